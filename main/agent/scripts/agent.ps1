# PrepStation agent for Windows: Windows PowerShell 5.1, run as SYSTEM by an ONSTART
# scheduled task (WINDOWS.md 3, 4). It mirrors agent.sh function for function: the same
# protocol (docs/agent-protocol.md), the same state dir layout, the same resume rules.
#
#   agent.ps1 -Install -Station URL -Token TOKEN   copy itself, register the task, start it
#   agent.ps1 -Run [-Station URL -Token TOKEN]     run now (what the task runs)
#
# Everything it must not forget lives in its state dir: reports wait in a queue on disk and
# are resent in order; a step that was running when the machine went down runs again;
# finished steps never run twice. Keep this file ASCII: PowerShell 5.1 reads a script
# without a BOM in the ANSI code page.

param(
  [switch]$Install,
  [switch]$Run,
  [string]$Station = '',
  [string]$Token = '',
  [string]$StateDir = "$env:ProgramData\PrepStation\agent",
  [string]$RebootCmd = 'shutdown.exe /r /t 10 /c "PrepStation: restarting to continue the setup"'
)

$ErrorActionPreference = 'Stop'
# 43 min -> 5 s for large downloads (WINDOWS.md 4).
$ProgressPreference = 'SilentlyContinue'
$AgentVersion = '1.0.0'
# Filled in by the station when it serves this file to one machine (/t/<token>/agent.ps1),
# so start.cmd only has to fetch and start it. Parameters and the state dir win.
$EmbeddedStation = ''
$EmbeddedToken = ''
$TaskName = 'PrepStationAgent'
$Poll = 1
$RetryDelay = 10
$StationWait = 1800
$script:Seq = 0
$script:Stop = $false
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

# ---- small helpers -------------------------------------------------------------------

function Write-AgentLog([string]$Message) {
  $line = '{0} {1}' -f (Get-Date -Format 's'), $Message
  Add-Content -Path (Join-Path $StateDir 'agent.log') -Value $line -Encoding UTF8 -ErrorAction SilentlyContinue
  Write-Host "prepstation-agent: $Message"
}

function ConvertTo-AgentJson($Value) { ConvertTo-Json -InputObject $Value -Depth 8 -Compress }

function Save-Text([string]$Path, [string]$Text) {
  # Write then rename: a power cut leaves the old file or the new one, never half of one.
  [IO.File]::WriteAllText("$Path.tmp", $Text, (New-Object Text.UTF8Encoding($false)))
  Move-Item -Force -LiteralPath "$Path.tmp" -Destination $Path
}

# ---- HTTP ----------------------------------------------------------------------------

# Returns @{ Status = 200; Body = <object or $null> }; Status 0 when unreachable.
function Invoke-Station([string]$Method, [string]$Path, [string]$Body) {
  $url = if ($Path -match '^https?://') { $Path } else { $Station + $Path }
  $headers = @{ Authorization = "Bearer $Token" }
  try {
    if ($Method -eq 'POST') {
      $bytes = [Text.Encoding]::UTF8.GetBytes($Body)
      $r = Invoke-WebRequest -UseBasicParsing -Method Post -Uri $url -Headers $headers -ContentType 'application/json' -Body $bytes -TimeoutSec 60
    } else {
      $r = Invoke-WebRequest -UseBasicParsing -Method Get -Uri $url -Headers $headers -TimeoutSec 60
    }
    return @{ Status = [int]$r.StatusCode; Body = ($r.Content | ConvertFrom-Json) }
  } catch [Net.WebException] {
    $resp = $_.Exception.Response
    if ($null -eq $resp) { return @{ Status = 0; Body = $null } }
    $text = (New-Object IO.StreamReader($resp.GetResponseStream())).ReadToEnd()
    $parsed = $null
    try { $parsed = $text | ConvertFrom-Json } catch { $parsed = $null }
    return @{ Status = [int]$resp.StatusCode; Body = $parsed }
  } catch {
    return @{ Status = 0; Body = $null }
  }
}

# Downloads URL into File, resuming a partial file with a Range request.
function Get-Download([string]$Url, [string]$File) {
  $have = 0
  if (Test-Path -LiteralPath $File) { $have = (Get-Item -LiteralPath $File).Length }
  $req = [Net.HttpWebRequest]::Create($Url)
  $req.Timeout = 60000
  $req.ReadWriteTimeout = 300000
  if ($have -gt 0) { $req.AddRange([long]$have) }
  $resp = $req.GetResponse()
  try {
    $mode = if ($have -gt 0 -and [int]$resp.StatusCode -eq 206) { 'Append' } else { 'Create' }
    $in = $resp.GetResponseStream()
    $out = New-Object IO.FileStream($File, [IO.FileMode]::$mode, [IO.FileAccess]::Write)
    try { $in.CopyTo($out, 1048576) } finally { $out.Dispose(); $in.Dispose() }
  } finally { $resp.Close() }
}

# ---- the report queue ------------------------------------------------------------------

# Numbers a report, writes it to the queue. Example: Add-Report @{ type = 'step-started'; ... }
function Add-Report([hashtable]$Report) {
  $script:Seq++
  Save-Text (Join-Path $StateDir 'seq') ([string]$script:Seq)
  $Report.seq = $script:Seq
  Save-Text (Join-Path $StateDir ('queue\{0:D10}.json' -f $script:Seq)) (ConvertTo-AgentJson $Report)
}

function Get-QueueFiles { Get-ChildItem -Path (Join-Path $StateDir 'queue') -Filter '*.json' | Sort-Object Name }

# Renumbers the queue from First on (the station's count is the truth after a 409).
function Reset-QueueNumbers([int]$First) {
  $next = $First
  foreach ($f in Get-QueueFiles) {
    $r = Get-Content -Raw -LiteralPath $f.FullName | ConvertFrom-Json
    $r.seq = $next
    Remove-Item -LiteralPath $f.FullName
    Save-Text (Join-Path $StateDir ('queue\{0:D10}.json' -f $next)) (ConvertTo-AgentJson $r)
    $next++
  }
  $script:Seq = $next - 1
  Save-Text (Join-Path $StateDir 'seq') ([string]$script:Seq)
  Write-AgentLog "queue renumbered from $First"
}

# Sends the queue in order. 0: queue empty; 1: station unreachable (kept); 2: deployment over.
function Send-Queue {
  while ($true) {
    $files = @(Get-QueueFiles | Select-Object -First 100)
    if ($files.Count -eq 0) { return 0 }
    $parts = @(); $bytes = 0; $sent = @()
    foreach ($f in $files) {
      if ($sent.Count -gt 0 -and ($bytes + $f.Length) -gt 200000) { break }
      $parts += (Get-Content -Raw -LiteralPath $f.FullName); $sent += $f; $bytes += $f.Length
    }
    $r = Invoke-Station 'POST' '/agent/v1/reports' ('{"reports":[' + ($parts -join ',') + ']}')
    switch ($r.Status) {
      200 {
        $last = [int]$r.Body.value.lastSeq
        foreach ($f in $sent) { if ([int]$f.BaseName -le $last) { Remove-Item -LiteralPath $f.FullName } }
        if ($r.Body.value.stop) { $script:Stop = $true }
      }
      409 {
        Write-AgentLog 'station refused the reports in order (409); renumbering from its count'
        if ((Update-Plan -Quiet) -ne 0) { return 1 }
        Reset-QueueNumbers ([int]$script:Plan.lastSeq + 1)
      }
      { $_ -eq 410 -or $_ -eq 401 } {
        Write-AgentLog "station says this deployment is over ($($r.Status)): dropping the queue"
        Get-QueueFiles | Remove-Item
        $script:Stop = $true
        return 2
      }
      default {
        if ($r.Status -ne 0) { Write-AgentLog "reports not taken (HTTP $($r.Status)); kept for later" }
        return 1
      }
    }
  }
}

# ---- the plan ------------------------------------------------------------------------

# Fetches the plan into plan.json; falls back to the last copy while the station is down.
function Update-Plan([switch]$Quiet) {
  $r = Invoke-Station 'GET' '/agent/v1/plan' ''
  if ($r.Status -eq 200) {
    $script:Plan = $r.Body.value
    Save-Text (Join-Path $StateDir 'plan.json') (ConvertTo-AgentJson $r.Body.value)
    return 0
  }
  if ($r.Status -eq 410 -or $r.Status -eq 401) { $script:Stop = $true; return 2 }
  if (-not $Quiet) { Write-AgentLog "plan not fetched (HTTP $($r.Status))" }
  return 1
}

function Get-StepStatus([string]$Id) {
  $s = $script:Plan.status.$Id
  if ($null -eq $s) { return @{ status = ''; attempt = 0 } }
  return @{ status = [string]$s.status; attempt = [int]$s.attempt }
}

# ---- running one step ----------------------------------------------------------------

function Send-NewLog {
  if (-not (Test-Path -LiteralPath $script:LogFile)) { return }
  $all = @(Get-Content -LiteralPath $script:LogFile)
  while ($script:LogSent -lt $all.Count) {
    $to = [Math]::Min($script:LogSent + 100, $all.Count)
    $lines = @($all[$script:LogSent..($to - 1)] | ForEach-Object { $s = [string]$_; if ($s.Length -gt 1900) { $s.Substring(0, 1900) } else { $s } })
    Add-Report @{ type = 'step-log'; stepId = $script:Id; attempt = $script:Attempt; lines = $lines }
    $script:LogSent = $to
  }
}

function Get-LogTail { if (Test-Path -LiteralPath $script:LogFile) { @(Get-Content -LiteralPath $script:LogFile -Tail 50) } else { @() } }

# Runs a command line with the step's timeout; returns its exit code (124 on timeout).
function Invoke-StepCommand([string]$Shell, [string]$Command, [int]$Timeout) {
  $cmdFile = Join-Path $StateDir 'step.cmd'
  switch ($Shell) {
    'powershell' {
      $cmdFile = Join-Path $StateDir 'step.ps1'
      Save-Text $cmdFile $Command
      $exe = 'powershell.exe'; $argLine = "-NoProfile -ExecutionPolicy Bypass -File `"$cmdFile`""
    }
    'cmd' { Save-Text $cmdFile "@echo off`r`n$Command`r`nexit /b %ERRORLEVEL%"; $exe = 'cmd.exe'; $argLine = "/d /c `"$cmdFile`"" }
    default { Add-Content -LiteralPath $script:LogFile -Value "this step needs $Shell, which Windows does not have"; return 127 }
  }
  $out = "$($script:LogFile).out"; $err = "$($script:LogFile).err"
  $p = Start-Process -FilePath $exe -ArgumentList $argLine -NoNewWindow -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
  $start = Get-Date; $tick = Get-Date; $script:TimedOut = $false
  while (-not $p.WaitForExit($Poll * 1000)) {
    if (((Get-Date) - $start).TotalSeconds -ge $Timeout) {
      Add-Content -LiteralPath $script:LogFile -Value "timed out after $Timeout s; stopping it"
      $script:TimedOut = $true
      & taskkill.exe /T /F /PID $p.Id | Out-Null
      break
    }
    if (((Get-Date) - $tick).TotalSeconds -ge 5) { $tick = Get-Date; Send-NewLog; [void](Send-Queue) }
  }
  $p.WaitForExit()
  foreach ($f in @($out, $err)) {
    if (Test-Path -LiteralPath $f) { Get-Content -LiteralPath $f | Add-Content -LiteralPath $script:LogFile; Remove-Item -LiteralPath $f }
  }
  if ($script:TimedOut) { return 124 }
  return [int]$p.ExitCode
}

# The step's download into $script:File, resumed and checked; throws with the reason.
function Get-StepDownload($Step) {
  $script:File = $null
  $d = $Step.download
  if ($null -eq $d -or -not $d.url) { return }
  $name = ($d.name -replace '[^A-Za-z0-9._-]', '_')
  New-Item -ItemType Directory -Force -Path (Join-Path $StateDir 'downloads') | Out-Null
  $script:File = Join-Path $StateDir "downloads\$($Step.id)-$name"
  $waited = 0
  while ($true) {
    $have = 0
    if (Test-Path -LiteralPath $script:File) { $have = (Get-Item -LiteralPath $script:File).Length }
    if ($d.size -and $have -ge $d.size) { break }
    if ($have -gt 0) { Add-Content -LiteralPath $script:LogFile -Value "resuming download at byte $have" }
    try { Get-Download $d.url $script:File; break } catch {
      $resp = $_.Exception.InnerException.Response
      $code = if ($resp) { [int]$resp.StatusCode } else { 0 }
      if ($code -ne 0 -and $code -lt 500) { Remove-Item -LiteralPath $script:File -ErrorAction SilentlyContinue; throw "download failed: HTTP $code for $($d.url)" }
    }
    # Unreachable station (or a 5xx): wait for it.
    $waited += 5
    if ($waited -ge $StationWait) { throw "station unreachable for $StationWait s" }
    Start-Sleep -Seconds 5
  }
  $size = (Get-Item -LiteralPath $script:File).Length
  if ($d.size -and $size -ne $d.size) { Remove-Item -LiteralPath $script:File; throw "download has $size bytes, expected $($d.size)" }
  if ($d.sha256) {
    $sha = (Get-FileHash -Algorithm SHA256 -LiteralPath $script:File).Hash.ToLower()
    if ($sha -ne $d.sha256.ToLower()) {
      Add-Content -LiteralPath $script:LogFile -Value "sha256 $sha does not match the plan's $($d.sha256); deleted"
      Remove-Item -LiteralPath $script:File
      throw "checksum mismatch: the download's SHA-256 is not the plan's"
    }
    Add-Content -LiteralPath $script:LogFile -Value "downloaded $size bytes, sha256 verified"
  }
  Add-Report @{ type = 'step-progress'; stepId = $Step.id; attempt = $script:Attempt; percent = 100; bytes = $size; message = 'downloaded' }
}

# Registry paths as PowerShell provider paths: HKLM\X -> Registry::HKEY_LOCAL_MACHINE\X.
function Get-RegPath([string]$Key) {
  $k = $Key -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\' -replace '^HKCU\\', 'HKEY_CURRENT_USER\' -replace '^HKU\\', 'HKEY_USERS\' -replace '^HKCR\\', 'HKEY_CLASSES_ROOT\'
  return "Registry::$k"
}

function Get-UninstallEntries {
  $roots = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')
  foreach ($r in $roots) { if (Test-Path $r) { Get-ChildItem $r | ForEach-Object { Get-ItemProperty $_.PSPath } } }
}

function Test-MinVersion([string]$Have, [string]$Want) {
  if (-not $Want) { return $true }
  try { return ([version]$Have) -ge ([version]$Want) } catch { return $Have -eq $Want }
}

# Detection rule -> 0 installed, 1 not installed, 2 cannot tell.
function Test-Detection($Rule) {
  if ($null -eq $Rule) { return 2 }
  switch ($Rule.type) {
    'msi' {
      $e = Get-UninstallEntries | Where-Object { $_.PSChildName -eq $Rule.productCode } | Select-Object -First 1
      if ($e -and (Test-MinVersion $e.DisplayVersion $Rule.version)) { return 0 } else { return 1 }
    }
    'uninstall-key' {
      $e = Get-UninstallEntries | Where-Object { $_.DisplayName -eq $Rule.displayName } | Select-Object -First 1
      if ($e -and (Test-MinVersion $e.DisplayVersion $Rule.version)) { return 0 } else { return 1 }
    }
    'file' {
      $p = [Environment]::ExpandEnvironmentVariables($Rule.path)
      if (-not (Test-Path -LiteralPath $p)) { return 1 }
      if (Test-MinVersion (Get-Item -LiteralPath $p).VersionInfo.FileVersion $Rule.version) { return 0 } else { return 1 }
    }
    'registry' {
      $path = Get-RegPath $Rule.key
      if (-not (Test-Path -LiteralPath $path)) { return 1 }
      if (-not $Rule.name) { return 0 }
      $v = (Get-ItemProperty -LiteralPath $path -Name $Rule.name -ErrorAction SilentlyContinue).($Rule.name)
      if ($null -eq $v) { return 1 }
      if ($null -ne $Rule.equals -and [string]$v -ne [string]$Rule.equals) { return 1 }
      return 0
    }
    'command' {
      & cmd.exe /d /c $Rule.command *>> $script:LogFile
      if ($LASTEXITCODE -eq 0) { return 0 } else { return 1 }
    }
  }
  return 2
}

function Get-Inventory {
  $cs = Get-CimInstance Win32_ComputerSystem
  $bios = Get-CimInstance Win32_BIOS
  $prod = Get-CimInstance Win32_ComputerSystemProduct
  $cpu = @(Get-CimInstance Win32_Processor)[0]
  $os = Get-CimInstance Win32_OperatingSystem
  $disks = @(Get-CimInstance Win32_DiskDrive | ForEach-Object { @{ name = [string]$_.DeviceID; model = [string]$_.Model; sizeBytes = [int64]$_.Size } })
  $macs = @(Get-CimInstance Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = True' | Where-Object { $_.MACAddress } | ForEach-Object { $_.MACAddress.ToLower() })
  return @{
    vendor = [string]$cs.Manufacturer; model = [string]$cs.Model; serial = [string]$bios.SerialNumber
    uuid = ([string]$prod.UUID).ToLower(); bios = [string]$bios.SMBIOSBIOSVersion
    cpu = [string]$cpu.Name; cores = [int]$cpu.NumberOfCores; ramBytes = [int64]$cs.TotalPhysicalMemory
    os = [string]$os.Caption; osVersion = [string]$os.Version; hostname = $env:COMPUTERNAME
    agentVersion = $AgentVersion; macs = $macs; disks = $disks
  }
}

function Set-RegistryStep($P) {
  $path = Get-RegPath $P.key
  if ($P.delete) { Remove-ItemProperty -LiteralPath $path -Name $P.valueName -ErrorAction SilentlyContinue; return }
  if (-not (Test-Path -LiteralPath $path)) { New-Item -Path $path -Force | Out-Null }
  $value = $P.value
  if ($P.kind -eq 'MultiString') { $value = [string[]]@($P.value) }
  New-ItemProperty -LiteralPath $path -Name $P.valueName -PropertyType $P.kind -Value $value -Force | Out-Null
  Add-Content -LiteralPath $script:LogFile -Value "set $($P.key)\$($P.valueName) ($($P.kind))"
}

function Set-WifiStep($P) {
  $auth = 'WPA2PSK'
  if ($P.security -eq 'open') { $auth = 'open' }
  if ($P.security -eq 'wpa3-personal') { $auth = 'WPA3SAE' }
  $key = $P.passphraseValue
  if ($auth -ne 'open' -and -not $key) { throw 'the Wi-Fi passphrase was not delivered with the plan' }
  $ssid = [Security.SecurityElement]::Escape($P.ssid)
  $mode = if ($P.autoConnect) { 'auto' } else { 'manual' }
  $security = if ($auth -eq 'open') { '<authEncryption><authentication>open</authentication><encryption>none</encryption><useOneX>false</useOneX></authEncryption>' } else {
    "<authEncryption><authentication>$auth</authentication><encryption>AES</encryption><useOneX>false</useOneX></authEncryption><sharedKey><keyType>passPhrase</keyType><protected>false</protected><keyMaterial>$([Security.SecurityElement]::Escape($key))</keyMaterial></sharedKey>"
  }
  $xml = "<?xml version=`"1.0`"?><WLANProfile xmlns=`"http://www.microsoft.com/networking/WLAN/profile/v1`"><name>$ssid</name><SSIDConfig><SSID><name>$ssid</name></SSID><nonBroadcast>$(([string][bool]$P.hidden).ToLower())</nonBroadcast></SSIDConfig><connectionType>ESS</connectionType><connectionMode>$mode</connectionMode><MSM><security>$security</security></MSM></WLANProfile>"
  $file = Join-Path $StateDir 'wifi.xml'
  Save-Text $file $xml
  try {
    & netsh.exe wlan add profile filename="$file" user=all *>> $script:LogFile
    if ($LASTEXITCODE -ne 0) { throw "netsh wlan add profile: exit code $LASTEXITCODE" }
  } finally { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
}

function Set-PowerStep($P) {
  $schemes = @{ 'balanced' = 'SCHEME_BALANCED'; 'high-performance' = 'SCHEME_MIN'; 'power-saver' = 'SCHEME_MAX' }
  $cmds = @()
  if ($P.plan) { $cmds += "/setactive $($schemes[$P.plan])" }
  if ($null -ne $P.sleepMinutesAc) { $cmds += "/change standby-timeout-ac $($P.sleepMinutesAc)" }
  if ($null -ne $P.sleepMinutesDc) { $cmds += "/change standby-timeout-dc $($P.sleepMinutesDc)" }
  if ($null -ne $P.monitorMinutesAc) { $cmds += "/change monitor-timeout-ac $($P.monitorMinutesAc)" }
  if ($null -ne $P.monitorMinutesDc) { $cmds += "/change monitor-timeout-dc $($P.monitorMinutesDc)" }
  if ($null -ne $P.hibernate) { $cmds += "/hibernate $(if ($P.hibernate) { 'on' } else { 'off' })" }
  foreach ($c in $cmds) {
    $rc = Invoke-StepCommand 'cmd' "powercfg.exe $c" 60
    if ($rc -ne 0) { throw "powercfg $c failed (exit code $rc)" }
  }
  if ($null -ne $P.fastStartup) {
    Set-RegistryStep @{ key = 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Power'; valueName = 'HiberbootEnabled'; kind = 'DWord'; value = [int][bool]$P.fastStartup }
  }
}

# Runs step $Step; sets $script:Rc, Reason, Reboot, Skip.
function Invoke-Step($Step) {
  $script:Rc = 0; $script:Reason = ''; $script:Reboot = $false; $script:Skip = ''
  $ok = @($Step.successCodes); if ($ok.Count -eq 0) { $ok = @(0) }
  $boot = @($Step.rebootCodes)
  $P = $Step.params
  try {
    switch -Regex ("$($Step.kind):$($Step.type)") {
      '^inventory:' { Add-Report @{ type = 'inventory'; inventory = (Get-Inventory) }; return }
      '^(app:|config:script|config:file|check:command)' {
        if ($Step.kind -eq 'app' -and (Test-Detection $P.detect) -eq 0) { $script:Skip = 'already installed (detection rule matched)'; return }
        Get-StepDownload $Step
        if ($Step.kind -eq 'config' -and $Step.type -eq 'file') {
          $target = [Environment]::ExpandEnvironmentVariables($P.path)
          New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
          if ($script:File) { Copy-Item -Force -LiteralPath $script:File -Destination $target } else { Save-Text $target ([string]$P.content) }
          Add-Content -LiteralPath $script:LogFile -Value "wrote $target"
          return
        }
        $command = ([string]$Step.command).Replace('{file}', [string]$script:File)
        $timeout = if ($Step.timeoutSeconds) { [int]$Step.timeoutSeconds } else { 1800 }
        # 1618: another installation holds the MSI mutex; wait and run again (WINDOWS.md 4).
        for ($busy = 0; $busy -lt 10; $busy++) {
          $script:Rc = Invoke-StepCommand $Step.shell $command $timeout
          if ($script:Rc -ne 1618) { break }
          Add-Content -LiteralPath $script:LogFile -Value 'another installation is running (1618); waiting'
          Start-Sleep -Seconds (30 * ($busy + 1))
        }
        if ($Step.kind -eq 'check' -and $null -ne $P.expectedOutput) {
          $got = ([string](Get-LogTail | Select-Object -Last 1)).Trim()
          if ($got -ne $P.expectedOutput) { $script:Rc = 1; $script:Reason = "output was `"$got`", expected `"$($P.expectedOutput)`""; return }
        }
        if ($boot -contains $script:Rc) { $script:Reboot = $true; return }
        if ($ok -contains $script:Rc) {
          $script:Rc = 0
          if ($Step.kind -eq 'app' -and (Test-Detection $P.detect) -eq 1) { $script:Rc = 1; $script:Reason = 'installed, but the detection rule does not find it' }
          return
        }
        $script:Reason = if ($script:TimedOut) { "timed out after $timeout s" } else { "exit code $($script:Rc)" }
      }
      '^config:registry' { Set-RegistryStep $P }
      '^config:wifi' { Set-WifiStep $P }
      '^config:power' { Set-PowerStep $P }
      '^config:wallpaper' {
        Get-StepDownload $Step
        $target = "$env:SystemRoot\Web\Wallpaper\PrepStation\$($Step.download.name)"
        New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
        Copy-Item -Force -LiteralPath $script:File -Destination $target
        $csp = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\PersonalizationCSP'
        Set-RegistryStep @{ key = $csp; valueName = 'DesktopImagePath'; kind = 'String'; value = $target }
        Set-RegistryStep @{ key = $csp; valueName = 'DesktopImageStatus'; kind = 'DWord'; value = 1 }
        if ($P.lockScreen) {
          Set-RegistryStep @{ key = $csp; valueName = 'LockScreenImagePath'; kind = 'String'; value = $target }
          Set-RegistryStep @{ key = $csp; valueName = 'LockScreenImageStatus'; kind = 'DWord'; value = 1 }
        }
      }
      '^check:app-installed' {
        $found = Test-Detection $P.detect
        if ($found -eq 1) { $script:Rc = 1; $script:Reason = 'not installed' }
        if ($found -eq 2) { $script:Skip = 'no detection rule for this app' }
      }
      '^check:registry' {
        $v = (Get-ItemProperty -LiteralPath (Get-RegPath $P.key) -Name $P.valueName -ErrorAction SilentlyContinue).($P.valueName)
        if ([string]$v -ne [string]$P.expected) { $script:Rc = 1; $script:Reason = "$($P.key)\$($P.valueName) is '$v', expected '$($P.expected)'" }
      }
      '^check:file-exists' {
        if (-not (Test-Path -LiteralPath ([Environment]::ExpandEnvironmentVariables($P.path)))) { $script:Rc = 1; $script:Reason = "$($P.path) does not exist" }
      }
      '^check:service' {
        $svc = Get-Service -Name $P.service -ErrorAction SilentlyContinue
        $state = if ($svc -and $svc.Status -eq 'Running') { 'running' } else { 'stopped' }
        $want = if ($P.expected) { $P.expected } else { 'running' }
        if ($state -ne $want) { $script:Rc = 1; $script:Reason = "service $($P.service) is $state" }
      }
      '^check:hostname' { Add-Content -LiteralPath $script:LogFile -Value "hostname: $env:COMPUTERNAME" }
      '^check:joined' {
        $cs = Get-CimInstance Win32_ComputerSystem
        Add-Content -LiteralPath $script:LogFile -Value "domain: $($cs.Domain) (part of a domain: $($cs.PartOfDomain))"
      }
      default { $script:Skip = "$($Step.kind) $($Step.type) is not for Windows" }
    }
  } catch {
    $script:Rc = 1
    $script:Reason = [string]$_.Exception.Message
  }
}

# One attempt of step $Step: 0 done, 1 failed (retry), 2 failed for good.
function Invoke-StepAttempt($Step) {
  $script:Id = $Step.id
  New-Item -ItemType Directory -Force -Path (Join-Path $StateDir 'logs') | Out-Null
  $script:LogFile = Join-Path $StateDir "logs\$($Step.id).$($script:Attempt).log"
  $script:LogSent = 0
  if (Test-Path -LiteralPath $script:LogFile) { $script:LogSent = @(Get-Content -LiteralPath $script:LogFile).Count } else { New-Item -ItemType File -Path $script:LogFile | Out-Null }
  $stepFile = Join-Path $StateDir "steps\$($Step.id)"
  Save-Text $stepFile "running $($script:Attempt)"
  Add-Report @{ type = 'step-started'; stepId = $Step.id; attempt = $script:Attempt }
  [void](Send-Queue)
  Invoke-Step $Step
  Send-NewLog
  $tail = @(Get-LogTail)
  if ($script:Skip) {
    Add-Report @{ type = 'step-skipped'; stepId = $Step.id; attempt = $script:Attempt; reason = $script:Skip }
    Save-Text $stepFile 'done'
  } elseif ($script:Rc -eq 0 -or $script:Reboot) {
    $r = @{ type = 'step-succeeded'; stepId = $Step.id; attempt = $script:Attempt; exitCode = $script:Rc; logTail = $tail }
    if ($script:Reboot) { $r.reboot = $true }
    Add-Report $r
    Save-Text $stepFile 'done'
    if ($script:File) { Remove-Item -LiteralPath $script:File -ErrorAction SilentlyContinue }
  } else {
    $reason = if ($script:Reason) { $script:Reason } else { 'failed' }
    Add-Report @{ type = 'step-failed'; stepId = $Step.id; attempt = $script:Attempt; exitCode = $script:Rc; reason = $reason; logTail = $tail }
    Save-Text $stepFile "failed $($script:Attempt)"
    [void](Send-Queue)
    if ($script:Attempt -lt ([int]$Step.retries + 1)) { return 1 }
    return 2
  }
  [void](Send-Queue)
  if ($script:Reboot) {
    Write-AgentLog "step $($Step.id) asks for a reboot (exit $($script:Rc))"
    while ((Send-Queue) -eq 1) { Start-Sleep -Seconds 5 }
    Save-Text (Join-Path $StateDir 'rebooting') ''
    & cmd.exe /d /c $RebootCmd
    # The machine is going down; never start the next step before it does.
    Stop-Agent
  }
  return 0
}

# Runs every step that is not finished, in order. 0: all done; 2: a step failed for good.
function Invoke-Plan {
  foreach ($step in @($script:Plan.steps)) {
    $st = Get-StepStatus $step.id
    $stepFile = Join-Path $StateDir "steps\$($step.id)"
    $local = if (Test-Path -LiteralPath $stepFile) { (Get-Content -Raw -LiteralPath $stepFile).Trim() } else { '' }
    if ($st.status -eq 'succeeded' -or $st.status -eq 'skipped' -or $local -eq 'done') { continue }
    $sa = $st.attempt
    if ($local -match '^running (\d+)$') { $script:Attempt = [int]$Matches[1] }
    elseif ($local -match '^failed (\d+)$') { $script:Attempt = [Math]::Max([int]$Matches[1], $sa) + 1 }
    else { $script:Attempt = $sa + 1 }
    while ($true) {
      Write-AgentLog "step $($step.id) ($($step.label)) attempt $($script:Attempt)"
      $r = Invoke-StepAttempt $step
      if ($r -eq 0) { break }
      if ($r -eq 2) { Write-AgentLog "step $($step.id) failed for good"; return 2 }
      Start-Sleep -Seconds $RetryDelay
      $script:Attempt++
    }
  }
  return 0
}

# ---- main ----------------------------------------------------------------------------

function Stop-Agent([switch]$Finished) {
  if ($script:Heartbeat) { Stop-Job $script:Heartbeat -ErrorAction SilentlyContinue; Remove-Job $script:Heartbeat -Force -ErrorAction SilentlyContinue }
  if ($Finished) {
    Write-AgentLog 'deployment finished; agent off'
    & schtasks.exe /delete /tn $TaskName /f 2>$null | Out-Null
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -LiteralPath (Join-Path $StateDir 'queue'), (Join-Path $StateDir 'downloads'), (Join-Path $StateDir 'config.json')
    Save-Text (Join-Path $StateDir 'finished') ''
    # This copy carries the (now expired) token: do not leave it on a customer's PC.
    if ($EmbeddedToken -and $PSCommandPath) { Remove-Item -Force -LiteralPath $PSCommandPath -ErrorAction SilentlyContinue }
  }
  exit 0
}

function Start-Agent {
  foreach ($d in @('queue', 'steps')) { New-Item -ItemType Directory -Force -Path (Join-Path $StateDir $d) | Out-Null }
  $cfg = Join-Path $StateDir 'config.json'
  if (-not $Station -and (Test-Path -LiteralPath $cfg)) {
    $c = Get-Content -Raw -LiteralPath $cfg | ConvertFrom-Json
    $script:Station = $c.station; $script:Token = $c.token
  }
  if (-not $script:Station) { $script:Station = $EmbeddedStation; $script:Token = $EmbeddedToken }
  $Station = $script:Station; $Token = $script:Token
  if (-not $Station -or -not $Token) { Write-Host 'usage: agent.ps1 -Run -Station URL -Token TOKEN (or a config in the state dir)'; exit 2 }
  if (Test-Path -LiteralPath (Join-Path $StateDir 'finished')) { Write-AgentLog 'deployment already finished'; exit 0 }
  $script:Station = $Station.TrimEnd('/'); $Station = $script:Station
  # Installers started before Windows setup has finished can fail (WINDOWS.md 3).
  while ((Get-ItemProperty 'HKLM:\SYSTEM\Setup' -ErrorAction SilentlyContinue).SystemSetupInProgress -eq 1) { Start-Sleep -Seconds 10 }
  $seqFile = Join-Path $StateDir 'seq'
  if (Test-Path -LiteralPath $seqFile) { $script:Seq = [int](Get-Content -Raw -LiteralPath $seqFile) }
  if (Test-Path -LiteralPath (Join-Path $StateDir 'rebooting')) { Remove-Item -LiteralPath (Join-Path $StateDir 'rebooting'); Write-AgentLog 'back after a reboot' }
  Write-AgentLog "agent $AgentVersion for $Station (state $StateDir)"

  $wait = 5
  while ((Update-Plan) -ne 0) {
    if ($script:Stop) { Stop-Agent -Finished }
    $cached = Join-Path $StateDir 'plan.json'
    if (Test-Path -LiteralPath $cached) { $script:Plan = Get-Content -Raw -LiteralPath $cached | ConvertFrom-Json; Write-AgentLog 'using the last plan until the station answers'; break }
    Start-Sleep -Seconds $wait; if ($wait -lt 60) { $wait *= 2 }
  }
  if ([int]$script:Plan.lastSeq -gt $script:Seq -and @(Get-QueueFiles).Count -eq 0) { $script:Seq = [int]$script:Plan.lastSeq }
  if ($script:Plan.state -eq 'done') { Stop-Agent -Finished }
  $hb = if ($script:Plan.heartbeatSeconds) { [int]$script:Plan.heartbeatSeconds } else { 30 }
  $script:Heartbeat = Start-Job -ArgumentList $Station, $Token, $hb -ScriptBlock {
    param($S, $T, $Every)
    while ($true) {
      Start-Sleep -Seconds $Every
      try { Invoke-WebRequest -UseBasicParsing -Method Post -Uri "$S/agent/v1/heartbeat" -Headers @{ Authorization = "Bearer $T" } -ContentType 'application/json' -Body '{}' -TimeoutSec 30 | Out-Null } catch { }
    }
  }
  [void](Send-Queue)

  while ($true) {
    $revision = $script:Plan.planRevision
    $r = Invoke-Plan
    # Everything run (or a step failed for good): deliver every report, then hear the verdict.
    $wait = 2
    while ($true) {
      $f = Send-Queue
      if ($script:Stop) { Stop-Agent -Finished }
      if ($f -eq 0) {
        [void](Update-Plan -Quiet)
        if ($script:Stop -or $script:Plan.state -eq 'done') { Stop-Agent -Finished }
        # The technician retried or skipped a step: the plan changed; run what is open.
        if ($script:Plan.planRevision -ne $revision) {
          Write-AgentLog "plan revision $($script:Plan.planRevision): continuing"
          Get-ChildItem (Join-Path $StateDir 'steps') | Where-Object { (Get-Content -Raw -LiteralPath $_.FullName) -match '^failed' } | Remove-Item
          break
        }
      }
      Start-Sleep -Seconds $wait; if ($wait -lt 30) { $wait *= 2 }
    }
    [void]$r
  }
}

function Install-Agent {
  if (-not $Station -or -not $Token) { Write-Host 'install needs -Station and -Token'; exit 2 }
  New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
  # SYSTEM and Administrators only: the config holds the machine token.
  & icacls.exe $StateDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
  Save-Text (Join-Path $StateDir 'config.json') (ConvertTo-AgentJson @{ station = $Station; token = $Token })
  $target = Join-Path $StateDir 'agent.ps1'
  if ($PSCommandPath -ne $target) { Copy-Item -Force -LiteralPath $PSCommandPath -Destination $target }
  $tr = "powershell.exe -NoProfile -ExecutionPolicy Bypass -File `"$target`" -Run -StateDir `"$StateDir`""
  & schtasks.exe /create /tn $TaskName /sc onstart /ru SYSTEM /rl highest /f /tr $tr | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "schtasks /create failed with exit code $LASTEXITCODE" }
  & schtasks.exe /run /tn $TaskName | Out-Null
  Write-Host 'prepstation-agent: installed as the ONSTART task PrepStationAgent'
}

# No switch at all is -Run: start.cmd starts the copy the station filled in.
if ($Install) { Install-Agent } else { [void]$Run; Start-Agent }
