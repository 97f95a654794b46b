# PrepStation Windows agent, part 2 of 4: running a step's command (exit codes, timeouts,
# the process tree), its download (Range resume, size, SHA-256) and detection rules.
# Keep this file ASCII (see agent-core.ps1).

# The step's new log lines (from line LogSent+1 on) as step-log reports.
function Send-NewLog {
  $all = @(Get-StepLogLines)
  while ($script:LogSent -lt $all.Count) {
    $to = [Math]::Min($script:LogSent + 100, $all.Count)
    $lines = @($all[$script:LogSent..($to - 1)] | ForEach-Object { $s = [string]$_; if ($s.Length -gt 1900) { $s.Substring(0, 1900) } else { $s } })
    Add-Report @{ type = 'step-log'; stepId = $script:Id; attempt = $script:Attempt; lines = $lines }
    $script:LogSent = $to
  }
}

function Get-LogTail {
  $all = @(Get-StepLogLines)
  if ($all.Count -le 50) { return $all }
  return $all[($all.Count - 50)..($all.Count - 1)]
}

# Is exit code Rc one of List? On Windows exactly. Elsewhere (the Linux CI that runs this
# agent under pwsh) the kernel keeps only the low 8 bits of an exit status, so a stand-in
# installer's `exit 3010` arrives as 194: compare what the OS can carry.
function Test-CodeIn([int]$Rc, $List) {
  foreach ($c in @($List)) {
    if ($null -eq $c) { continue }
    if ([int]$c -eq $Rc) { return $true }
    if (-not $script:OnWindows -and (([int]$c) -band 255) -eq $Rc) { return $true }
  }
  return $false
}

# The encoding cmd.exe reads a batch file in: the OEM code page (850, 437, ...), not UTF-8
# and not ANSI. Characters that code page lacks would run as something else, so they are
# refused with the value named rather than written as '?'.
function Get-CmdEncoding {
  $cp = [Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage
  try {
    return [Text.Encoding]::GetEncoding($cp, (New-Object Text.EncoderExceptionFallback), (New-Object Text.DecoderExceptionFallback))
  } catch {
    # .NET without the code page provider (never on Windows): ASCII is in every OEM page.
    return [Text.Encoding]::GetEncoding('us-ascii', (New-Object Text.EncoderExceptionFallback), (New-Object Text.DecoderExceptionFallback))
  }
}

function Write-CmdScript([string]$Path, [string]$Text) {
  $enc = Get-CmdEncoding
  try { $bytes = $enc.GetBytes($Text) } catch {
    $bad = ''
    foreach ($ch in $Text.ToCharArray()) {
      try { [void]$enc.GetBytes([string]$ch) } catch { $bad = $ch; break }
    }
    $line = @($Text.Split("`n") | Where-Object { $_.IndexOf($bad) -ge 0 })[0]
    throw ("cmd.exe cannot read '{0}' (U+{1:X4}) in code page {2}: change this value in the profile: {3}" -f $bad, [int][char]$bad, $enc.CodePage, $line.Trim())
  }
  [IO.File]::WriteAllBytes("$Path.tmp", $bytes)
  Move-Item -Force -LiteralPath "$Path.tmp" -Destination $Path
}

# What starts a step's command in Shell: @{ FileName; Arguments }, the script written to
# the state dir. $null (with a log line) when this system has no such shell.
function Get-StepLauncher([string]$Shell, [string]$Command) {
  switch ($Shell) {
    'cmd' {
      if (-not $script:OnWindows) { break }
      $file = Join-StatePath 'step.cmd'
      Write-CmdScript $file "@echo off`r`n$Command`r`nexit /b %ERRORLEVEL%`r`n"
      return @{ FileName = "$env:SystemRoot\System32\cmd.exe"; Arguments = "/d /c `"$file`"" }
    }
    'powershell' {
      $file = Join-StatePath 'step.ps1'
      # With a BOM: Windows PowerShell 5.1 reads a BOM-less script as ANSI.
      [IO.File]::WriteAllText($file, $Command, (New-Object Text.UTF8Encoding($true)))
      # Windows: Windows PowerShell 5.1, what the profile's scripts are written for. Elsewhere
      # (CI): this pwsh, by $PSHOME (a .NET tool's process is `dotnet`, not pwsh).
      $exe = if ($script:OnWindows) { "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe" } else { [IO.Path]::Combine($PSHOME, 'pwsh') }
      return @{ FileName = $exe; Arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$file`"" }
    }
    { $_ -eq 'sh' -or $_ -eq 'bash' } {
      if ($script:OnWindows) { break }
      $file = Join-StatePath 'step.sh'
      [IO.File]::WriteAllText($file, "$Command`n", $script:Utf8)
      return @{ FileName = '/bin/sh'; Arguments = "`"$file`"" }
    }
  }
  Add-StepLog "this step needs $Shell, which this system does not have"
  return $null
}

# Starts a process with its output and error read as lines, without blocking: a pending
# ReadLineAsync per stream, collected by Receive-ProcessOutput. (Start-Process -PassThru
# with redirects never gives an ExitCode on Windows: PowerShell/PowerShell#5421.)
function Start-StepProcess([string]$FileName, [string]$Arguments) {
  $psi = New-Object Diagnostics.ProcessStartInfo
  $psi.FileName = $FileName
  $psi.Arguments = $Arguments
  $psi.UseShellExecute = $false
  $psi.CreateNoWindow = $true
  $psi.RedirectStandardInput = $true
  $psi.RedirectStandardOutput = $true
  $psi.RedirectStandardError = $true
  if ($script:OnWindows) {
    # Console programs write in the OEM code page when their output is a pipe.
    $psi.StandardOutputEncoding = Get-CmdEncoding
    $psi.StandardErrorEncoding = $psi.StandardOutputEncoding
  }
  $p = New-Object Diagnostics.Process
  $p.StartInfo = $psi
  [void]$p.Start()
  # An installer that asks a question gets end-of-input instead of waiting forever.
  $p.StandardInput.Close()
  return $p
}

# Moves finished line reads into the log and starts the next ones. $Io holds the process
# and one pending read per stream ($null once the stream has ended).
function Receive-ProcessOutput($Io) {
  $lines = New-Object Collections.Generic.List[string]
  foreach ($k in @('Out', 'Err')) {
    while ($null -ne $Io[$k] -and $Io[$k].IsCompleted) {
      # A pipe broken by a killed process ends the stream like end-of-file does.
      $line = $null
      if (-not $Io[$k].IsFaulted) { $line = $Io[$k].Result }
      if ($null -eq $line) { $Io[$k] = $null; break }
      $lines.Add($line)
      $Io[$k] = if ($k -eq 'Out') { $Io.P.StandardOutput.ReadLineAsync() } else { $Io.P.StandardError.ReadLineAsync() }
    }
  }
  if ($lines.Count -gt 0) { Add-StepLog $lines.ToArray() }
}

# Kills a process and everything it started: .NET Core's Kill(entireProcessTree) where it
# exists (PowerShell 7), taskkill /T on Windows PowerShell 5.1 (.NET Framework has none).
function Stop-ProcessTree($Process) {
  $tree = $Process.GetType().GetMethod('Kill', [Type[]]@([bool]))
  if ($null -ne $tree) {
    try { [void]$tree.Invoke($Process, @($true)) } catch { [void]$_ }
  } else {
    & "$env:SystemRoot\System32\taskkill.exe" /T /F /PID $Process.Id 2>&1 | Out-Null
  }
}

# Runs a command line with the step's timeout, its output into the step log; returns its
# exit code (124 on timeout, 127 when the shell is missing).
function Invoke-StepCommand([string]$Shell, [string]$Command, [int]$Timeout) {
  $script:TimedOut = $false
  $l = Get-StepLauncher $Shell $Command
  if ($null -eq $l) { return 127 }
  $p = Start-StepProcess $l.FileName $l.Arguments
  $io = @{ P = $p; Out = $p.StandardOutput.ReadLineAsync(); Err = $p.StandardError.ReadLineAsync() }
  $start = Get-Date; $tick = Get-Date
  while (-not $p.WaitForExit(200)) {
    Receive-ProcessOutput $io
    if (((Get-Date) - $start).TotalSeconds -ge $Timeout) {
      Add-StepLog "timed out after $Timeout s; stopping it"
      $script:TimedOut = $true
      Stop-ProcessTree $p
      break
    }
    if (((Get-Date) - $tick).TotalSeconds -ge 5) { $tick = Get-Date; Send-NewLog; [void](Send-Queue) }
  }
  $p.WaitForExit()
  # The rest of the output; a grandchild that kept the pipe open gets 5 s, not forever.
  $until = (Get-Date).AddSeconds(5)
  while (($null -ne $io.Out -or $null -ne $io.Err) -and (Get-Date) -lt $until) {
    Receive-ProcessOutput $io
    Start-Sleep -Milliseconds 50
  }
  if ($script:TimedOut) { return 124 }
  # Read once, as an int: a process object that cannot tell (#5421) must not mean success.
  $code = $p.ExitCode
  if ($null -eq $code) { throw 'the exit code of the command could not be read' }
  return [int]$code
}

# The step's download into $script:File, resumed and checked; throws with the reason.
function Get-StepDownload($Step) {
  $script:File = $null
  $d = $Step.download
  if ($null -eq $d -or -not (Get-Field $d 'url')) { return }
  $want = Get-Field $d 'size'
  $sha = Get-Field $d 'sha256'
  $name = ([string](Get-Field $d 'name' 'download') -replace '[^A-Za-z0-9._-]', '_')
  New-Item -ItemType Directory -Force -Path (Join-StatePath 'downloads') | Out-Null
  $script:File = Join-StatePath 'downloads', "$($Step.id)-$name"
  $waited = 0
  while ($true) {
    $have = 0
    if (Test-Path -LiteralPath $script:File) { $have = (Get-Item -LiteralPath $script:File).Length }
    if ($null -ne $want -and $have -ge $want -and $have -gt 0) { break }
    if ($have -gt 0) { Add-StepLog "resuming download at byte $have" }
    $progress = $null
    if ($null -ne $want) {
      # Called from inside Get-Download, it sees $id, $attempt and $want by PowerShell's
      # dynamic scoping (a GetNewClosure() module would not see the agent's functions).
      $id = [string]$Step.id; $attempt = $script:Attempt
      $progress = {
        param($bytes)
        Add-Report @{ type = 'step-progress'; stepId = $id; attempt = $attempt; bytes = [int64]$bytes; totalBytes = [int64]$want; message = 'downloading' }
        [void](Send-Queue)
      }
    }
    try { Get-Download $d.url $script:File $progress; break } catch {
      $code = 0
      if ($_.Exception.Data.Contains('status')) { $code = [int]$_.Exception.Data['status'] }
      if ($code -ne 0 -and $code -lt 500 -and $code -ne 416) {
        Remove-Item -LiteralPath $script:File -ErrorAction SilentlyContinue
        throw "download failed: HTTP $code for $($d.url)"
      }
    }
    # Unreachable station (or a 5xx): wait for it.
    $waited += 5
    if ($waited -ge $StationWait) { throw "station unreachable for $StationWait s" }
    Start-Sleep -Seconds 5
  }
  $size = (Get-Item -LiteralPath $script:File).Length
  if ($null -ne $want -and $size -ne $want) { Remove-Item -LiteralPath $script:File; throw "download has $size bytes, expected $want" }
  if ($sha) {
    $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $script:File).Hash.ToLower()
    if ($got -ne ([string]$sha).ToLower()) {
      Add-StepLog "sha256 $got does not match the plan's $sha; deleted"
      Remove-Item -LiteralPath $script:File
      throw "checksum mismatch: the download's SHA-256 is not the plan's"
    }
    Add-StepLog "downloaded $size bytes, sha256 verified"
  }
  Add-Report @{ type = 'step-progress'; stepId = $Step.id; attempt = $script:Attempt; percent = 100; bytes = $size; message = 'downloaded' }
}

function Test-MinVersion([string]$Have, [string]$Want) {
  if (-not $Want) { return $true }
  try { return ([version]$Have) -ge ([version]$Want) } catch { return $Have -eq $Want }
}

# Detection rule -> 0 installed, 1 not installed, 2 cannot tell.
function Test-Detection($Rule) {
  if ($null -eq $Rule) { return 2 }
  $version = [string](Get-Field $Rule 'version' '')
  switch ([string]$Rule.type) {
    'msi' {
      $e = @(Get-UninstallEntries | Where-Object { $_.Key -eq $Rule.productCode })
      if ($e.Count -gt 0 -and (Test-MinVersion $e[0].DisplayVersion $version)) { return 0 } else { return 1 }
    }
    'uninstall-key' {
      $e = @(Get-UninstallEntries | Where-Object { $_.DisplayName -eq $Rule.displayName })
      if ($e.Count -gt 0 -and (Test-MinVersion $e[0].DisplayVersion $version)) { return 0 } else { return 1 }
    }
    'file' {
      $p = [Environment]::ExpandEnvironmentVariables([string]$Rule.path)
      if (-not (Test-Path -LiteralPath $p)) { return 1 }
      if (-not $version) { return 0 }
      if (Test-MinVersion (Get-Item -LiteralPath $p).VersionInfo.FileVersion $version) { return 0 } else { return 1 }
    }
    'registry' {
      $name = Get-Field $Rule 'name'
      $v = Get-RegistryValue ([string]$Rule.key) $name
      if (-not $v.Exists) { return 1 }
      $equals = Get-Field $Rule 'equals'
      if ($null -ne $equals -and [string]$v.Value -ne [string]$equals) { return 1 }
      return 0
    }
    'command' {
      $rc = Invoke-StepCommand $(if ($script:OnWindows) { 'cmd' } else { 'sh' }) ([string]$Rule.command) 300
      if ($rc -eq 0) { return 0 } else { return 1 }
    }
  }
  return 2
}
