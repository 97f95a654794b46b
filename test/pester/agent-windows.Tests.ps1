# Pester 5 tests of the Windows agent's Windows-only functions (agent-windows.ps1) and of
# the step logic around them, on Linux: Windows programs and cmdlets are mocked, and the
# agent believes it is on Windows ($script:OnWindows). Run by
# test/unit/main/agent/scripts/pester.test.ts (so `npm test` runs them).

BeforeAll {
  Set-StrictMode -Version 3.0
  $ErrorActionPreference = 'Stop'
  $scripts = Join-Path $PSScriptRoot '../../main/agent/scripts'
  $StateDir = Join-Path ([IO.Path]::GetTempPath()) ("pester-agent-" + [Guid]::NewGuid().ToString('N'))
  New-Item -ItemType Directory -Force -Path $StateDir, (Join-Path $StateDir 'queue'), (Join-Path $StateDir 'steps') | Out-Null
  $AgentVersion = '1.0.0'; $TaskName = 'PrepStationAgent'; $Station = 'http://station.test'; $Token = 'tok'
  $RetryDelay = 0; $StationWait = 5
  $script:OnWindows = $true
  $script:Utf8 = New-Object Text.UTF8Encoding($false)
  $script:BusyTries = 10; $script:BusyWait = 0
  $script:Seq = 0; $script:Stop = $false; $script:Plan = $null; $script:File = $null
  $script:TimedOut = $false; $script:Check = $null
  $env:SystemRoot = 'C:\Windows'; $env:SystemDrive = 'C:'
  . (Join-Path $scripts 'agent-core.ps1')
  . (Join-Path $scripts 'agent-process.ps1')
  . (Join-Path $scripts 'agent-windows.ps1')
  . (Join-Path $scripts 'agent-steps.ps1')
  $script:RealStart = ${function:Start-StepProcess}
  # Cmdlets that exist only on Windows, with their real parameters, so Pester can mock them.
  $stubs = @{
    'Register-ScheduledTask' = '[CmdletBinding()] param([string]$TaskName, [string]$Xml, [switch]$Force)'
    'Start-ScheduledTask' = '[CmdletBinding()] param([string]$TaskName)'
    'Unregister-ScheduledTask' = '[CmdletBinding(SupportsShouldProcess)] param([string]$TaskName)'
    'Get-ScheduledTask' = '[CmdletBinding()] param([string]$TaskName)'
    'Set-ScheduledTask' = '[CmdletBinding()] param([string]$TaskName, $Settings)'
    'Add-AppxProvisionedPackage' = '[CmdletBinding()] param([switch]$Online, [string]$PackagePath, [switch]$SkipLicense)'
    'Add-AppxPackage' = '[CmdletBinding()] param([string]$Path)'
    'Set-LocalUser' = '[CmdletBinding()] param([string]$Name, [securestring]$Password)'
    'Get-CimInstance' = '[CmdletBinding()] param([Parameter(Position = 0)][string]$ClassName)'
    'Add-Computer' = '[CmdletBinding()] param([string]$DomainName, [pscredential]$Credential, [string]$OUPath, [switch]$Force)'
  }
  foreach ($name in $stubs.Keys) {
    if (-not (Get-Command $name -ErrorAction SilentlyContinue)) {
      Set-Item "function:global:$name" ([scriptblock]::Create("$($stubs[$name]) throw 'not mocked: $name'"))
    }
  }
  function New-Step([hashtable]$S) {
    $base = @{ id = 'x'; kind = 'app'; type = 'exe'; label = 'x'; download = $null; command = $null; shell = $null; successCodes = @(0); rebootCodes = @(3010, 1641); timeoutSeconds = 60; retries = 0; params = @{} }
    foreach ($k in $S.Keys) { $base[$k] = $S[$k] }
    return [pscustomobject]$base
  }
  function Use-StepLog { $script:LogFile = Join-Path $StateDir 'step.log'; [IO.File]::WriteAllText($script:LogFile, ''); $script:LogSent = 0; $script:Id = 'x'; $script:Attempt = 1 }
  function Get-Secret200([string]$Value) { @{ Status = 200; Body = [pscustomobject]@{ ok = $true; value = [pscustomobject]@{ name = 'n'; value = $Value } } } }
}

AfterAll { Remove-Item -Recurse -Force -LiteralPath $StateDir -ErrorAction SilentlyContinue }

Describe 'exit codes (PowerShell/PowerShell#5421)' {
  It 'reproduces the bug: a Start-Process-style process object (GetProcessById) has no ExitCode, and [int]$null is 0' {
    $real = [Diagnostics.Process]::Start('/bin/sh', '-c "sleep 0.3; exit 3"')
    $p = [Diagnostics.Process]::GetProcessById($real.Id)
    $p.WaitForExit()
    $real.WaitForExit()
    $code = $null
    try { $code = $p.ExitCode } catch { $code = $null }
    [int]$code | Should -Be 0
  }
  It 'reads the exit code where a Start-Process object cannot (Windows behaviour of #5421, emulated): fails on the Start-Process runner' {
    Use-StepLog
    # On Windows, Start-Process with redirects returns Process.GetProcessById(pid), whose
    # ExitCode is unavailable; the runner before this one returned [int]$null = 0 here.
    Mock Start-Process { $real = [Diagnostics.Process]::Start('/bin/sh', '-c "sleep 0.3; exit 3"'); [Diagnostics.Process]::GetProcessById($real.Id) }
    Mock Get-StepLauncher { @{ FileName = '/bin/sh'; Arguments = '-c "sleep 0.3; exit 3"' } }
    Invoke-StepCommand 'cmd' 'setup.exe /S' 30 | Should -Be 3
  }
  It 'Invoke-StepCommand reads the real exit code of the process it starts' {
    Use-StepLog
    Mock Get-StepLauncher { @{ FileName = '/bin/sh'; Arguments = '-c "echo out; echo err >&2; exit 3"' } }
    Invoke-StepCommand 'cmd' 'ignored' 30 | Should -Be 3
    (Get-StepLogLines) | Should -Contain 'out'
    (Get-StepLogLines) | Should -Contain 'err'
  }
  It 'on Windows compares exit codes exactly (194 is not 3010)' {
    Test-CodeIn 3010 @(3010, 1641) | Should -BeTrue
    Test-CodeIn 194 @(3010, 1641) | Should -BeFalse
  }
}

Describe 'installer command lines' {
  BeforeEach {
    Use-StepLog
    $script:Launched = @()
    Mock Get-StepDownload { $script:File = 'C:\ProgramData\PrepStation\agent\downloads\app-acme-Acme Setup.msi' }
    Mock Test-Detection { 2 }
    Mock Start-StepProcess {
      $script:Launched += , @($FileName, $Arguments, [IO.File]::ReadAllBytes((Join-StatePath 'step.cmd')))
      & $script:RealStart '/bin/sh' "-c `"exit $script:NextCode`""
    }
    $script:NextCode = 0
  }
  It 'msi: cmd.exe /d /c step.cmd with msiexec /i "<file>" and the profile args, in the OEM code page' {
    Invoke-Step (New-Step @{ type = 'msi'; shell = 'cmd'; command = 'msiexec /i "{file}" /qn /norestart' })
    $script:Rc | Should -Be 0
    $script:Launched.Count | Should -Be 1
    $script:Launched[0][0] | Should -Be 'C:\Windows\System32\cmd.exe'
    $script:Launched[0][1] | Should -Be "/d /c `"$(Join-StatePath 'step.cmd')`""
    [Text.Encoding]::ASCII.GetString($script:Launched[0][2]) | Should -Be "@echo off`r`nmsiexec /i `"C:\ProgramData\PrepStation\agent\downloads\app-acme-Acme Setup.msi`" /qn /norestart`r`nexit /b %ERRORLEVEL%`r`n"
  }
  It 'exe: the installer itself, quoted, with its silent switch' {
    Mock Get-StepDownload { $script:File = 'C:\ProgramData\PrepStation\agent\downloads\app-7zip-7z.exe' }
    Invoke-Step (New-Step @{ type = 'exe'; shell = 'cmd'; command = '"{file}" /S' })
    [Text.Encoding]::ASCII.GetString($script:Launched[0][2]) | Should -Match ([regex]::Escape("`r`n`"C:\ProgramData\PrepStation\agent\downloads\app-7zip-7z.exe`" /S`r`n"))
  }
  It 'powershell: Windows PowerShell 5.1 runs step.ps1, written UTF-8 with a BOM' {
    Mock Start-StepProcess {
      $script:Launched += , @($FileName, $Arguments, [IO.File]::ReadAllBytes((Join-StatePath 'step.ps1')))
      & $script:RealStart '/bin/sh' '-c "exit 0"'
    }
    Invoke-Step (New-Step @{ kind = 'config'; type = 'script'; shell = 'powershell'; command = "Write-Output 'Gr`u{00FC}`u{00DF}e'"; rebootCodes = @() })
    $script:Rc | Should -Be 0
    $script:Launched[0][0] | Should -Be 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe'
    $script:Launched[0][1] | Should -Be "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$(Join-StatePath 'step.ps1')`""
    $bytes = $script:Launched[0][2]
    @($bytes[0], $bytes[1], $bytes[2]) | Should -Be @(0xEF, 0xBB, 0xBF)
    [Text.Encoding]::UTF8.GetString($bytes, 3, $bytes.Length - 3) | Should -Be "Write-Output 'Gr`u{00FC}`u{00DF}e'"
  }
  It 'a sh step on Windows fails with 127 and says why' {
    Invoke-Step (New-Step @{ kind = 'config'; type = 'script'; shell = 'sh'; command = 'echo'; rebootCodes = @() })
    $script:Rc | Should -Be 127
    (Get-StepLogLines) | Should -Contain 'this step needs sh, which this system does not have'
  }
  It '3010 and 1641 succeed with a reboot, 1603 fails with its code' {
    foreach ($c in 3010, 1641) {
      Mock Invoke-StepCommand { $c }
      Invoke-Step (New-Step @{ type = 'msi'; shell = 'cmd'; command = 'msiexec /i "{file}"' })
      $script:Reboot | Should -BeTrue
      $script:Rc | Should -Be $c
    }
    Mock Invoke-StepCommand { 1603 }
    Invoke-Step (New-Step @{ type = 'msi'; shell = 'cmd'; command = 'msiexec /i "{file}"' })
    $script:Reboot | Should -BeFalse
    $script:Rc | Should -Be 1603
    $script:Reason | Should -Be 'exit code 1603'
  }
  It '1618 waits and runs the installer again' {
    $script:Calls = 0
    Mock Invoke-StepCommand { $script:Calls++; if ($script:Calls -eq 1) { 1618 } else { 0 } }
    Invoke-Step (New-Step @{ type = 'msi'; shell = 'cmd'; command = 'msiexec /i "{file}"' })
    $script:Calls | Should -Be 2
    $script:Rc | Should -Be 0
  }
}

Describe 'step.cmd is written for cmd.exe' {
  It 'writes the OEM code page, not UTF-8 (850 for a German Windows)' {
    $saved = [Threading.Thread]::CurrentThread.CurrentCulture
    try {
      [Threading.Thread]::CurrentThread.CurrentCulture = [Globalization.CultureInfo]::GetCultureInfo('de-DE')
      $f = Join-StatePath 'enc.cmd'
      Write-CmdScript $f "echo M`u{00FC}ller`r`n"
      $bytes = [IO.File]::ReadAllBytes($f)
      (Get-CmdEncoding).CodePage | Should -Be 850
      $bytes[6] | Should -Be 0x81
    } finally { [Threading.Thread]::CurrentThread.CurrentCulture = $saved }
  }
  It 'refuses a character the code page lacks, naming it and its line' {
    $saved = [Threading.Thread]::CurrentThread.CurrentCulture
    try {
      [Threading.Thread]::CurrentThread.CurrentCulture = [Globalization.CultureInfo]::GetCultureInfo('en-US')
      { Write-CmdScript (Join-StatePath 'enc.cmd') "@echo off`r`nsetup.exe /COMPANY=`"Caf`u{00E9} `u{20AC}`"`r`n" } |
        Should -Throw -ExpectedMessage "*cmd.exe cannot read '$([char]0x20AC)' (U+20AC) in code page 437*setup.exe /COMPANY=*"
    } finally { [Threading.Thread]::CurrentThread.CurrentCulture = $saved }
  }
}

Describe 'registry steps' {
  BeforeEach {
    Use-StepLog
    $script:Calls = New-Object Collections.Generic.List[string]
    Mock Set-RegistryValue { $script:Calls.Add("set $Path!$Name=$Value ($Kind)") }
    Mock Invoke-Native { $script:Calls.Add("$Exe $($Arguments -join ' ')"); 0 }
    Mock Get-DefaultProfilePath { 'C:\Users\Default' }
    Mock Get-UserProfiles { @(@{ Sid = 'S-1-5-21-9-1001'; Path = 'C:\Users\alice' }, @{ Sid = 'S-1-5-21-9-1002'; Path = 'C:\Users\bob' }) }
    # alice is logged on (her hive is loaded); bob is not.
    Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq 'Registry::HKEY_USERS\S-1-5-21-9-1001' }
    Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq 'Registry::HKEY_USERS\S-1-5-21-9-1002' }
    Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq 'C:\Users\bob\NTUSER.DAT' }
  }
  It 'HKLM goes to the machine hive as written' {
    Set-RegistryStep ([pscustomobject]@{ key = 'HKLM\SOFTWARE\Acme'; valueName = 'Mode'; kind = 'DWord'; value = 1; delete = $false })
    @($script:Calls) | Should -Be @('set HKEY_LOCAL_MACHINE\SOFTWARE\Acme!Mode=1 (DWord)')
  }
  It 'HKCU goes to the default user hive (loaded, unloaded) and to every existing user, never SYSTEM''s' {
    Set-RegistryStep ([pscustomobject]@{ key = 'HKCU\Software\Acme'; valueName = 'Theme'; kind = 'String'; value = 'dark' })
    @($script:Calls) | Should -Be @(
      'reg.exe load HKU\PrepStation_Default C:\Users\Default\NTUSER.DAT'
      'set HKEY_USERS\PrepStation_Default\Software\Acme!Theme=dark (String)'
      'reg.exe unload HKU\PrepStation_Default'
      'set HKEY_USERS\S-1-5-21-9-1001\Software\Acme!Theme=dark (String)'
      'reg.exe load HKU\PrepStation_S-1-5-21-9-1002 C:\Users\bob\NTUSER.DAT'
      'set HKEY_USERS\PrepStation_S-1-5-21-9-1002\Software\Acme!Theme=dark (String)'
      'reg.exe unload HKU\PrepStation_S-1-5-21-9-1002'
    )
  }
  It 'unloads the hive even when the write fails' {
    Mock Set-RegistryValue { throw 'access denied' }
    { Set-RegistryStep ([pscustomobject]@{ key = 'HKCU\Software\Acme'; valueName = 'T'; kind = 'String'; value = 'x' }) } | Should -Throw '*access denied*'
    @($script:Calls) | Should -Be @('reg.exe load HKU\PrepStation_Default C:\Users\Default\NTUSER.DAT', 'reg.exe unload HKU\PrepStation_Default')
  }
  It 'wallpaper: per-user Control Panel\Desktop values in every hive (works on Pro), no PersonalizationCSP' {
    Mock New-Item { }
    Mock Copy-Item { }
    Set-WallpaperStep ([pscustomobject]@{ style = 'fit'; lockScreen = $false }) '/tmp/dl' 'bench.jpg'
    $sets = @($script:Calls | Where-Object { $_ -like 'set *' })
    $sets.Count | Should -Be 9
    $sets | Should -Contain 'set HKEY_USERS\PrepStation_Default\Control Panel\Desktop!Wallpaper=C:\Windows\Web\Wallpaper\PrepStation\bench.jpg (String)'
    $sets | Should -Contain 'set HKEY_USERS\S-1-5-21-9-1001\Control Panel\Desktop!WallpaperStyle=6 (String)'
    @($script:Calls | Where-Object { $_ -match 'PersonalizationCSP' }).Count | Should -Be 0
  }
  It 'wallpaper: a lock screen image on Pro fails the step with the reason' {
    Mock New-Item { }
    Mock Copy-Item { }
    Mock Get-RegistryValue { @{ Exists = $true; Value = 'Professional' } }
    { Set-WallpaperStep ([pscustomobject]@{ style = 'fill'; lockScreen = $true }) '/tmp/dl' 'bench.jpg' } | Should -Throw '*Windows Professional cannot be given a lock screen image*'
  }
}

Describe 'power' {
  It 'powercfg command lines and fast startup off' {
    Use-StepLog
    $script:Calls = New-Object Collections.Generic.List[string]
    Mock Invoke-Native { $script:Calls.Add("$Exe $($Arguments -join ' ')"); 0 }
    Mock Set-RegistryValue { $script:Calls.Add("set $Path!$Name=$Value ($Kind)") }
    Set-PowerStep ([pscustomobject]@{ plan = 'high-performance'; sleepMinutesAc = 0; monitorMinutesDc = 5; hibernate = $false; fastStartup = $false })
    @($script:Calls) | Should -Be @(
      'powercfg.exe /setactive SCHEME_MIN'
      'powercfg.exe /change standby-timeout-ac 0'
      'powercfg.exe /change monitor-timeout-dc 5'
      'powercfg.exe /hibernate off'
      'set HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Power!HiberbootEnabled=0 (DWord)'
    )
  }
  It 'a failing powercfg fails the step with its command' {
    Mock Invoke-Native { 1 }
    { Set-PowerStep ([pscustomobject]@{ plan = 'balanced' }) } | Should -Throw 'powercfg /setactive SCHEME_BALANCED failed (exit code 1)'
  }
}

Describe 'native command lines' {
  It 'quotes like CommandLineToArgvW reads them back' {
    ConvertTo-CommandLine @('wlan', 'add', 'profile', 'filename=C:\Program Data\w.xml', 'a"b', 'trail\', '') |
      Should -Be 'wlan add profile "filename=C:\Program Data\w.xml" "a\"b" trail\ ""'
  }
}

Describe 'the agent''s scheduled task' {
  It 'is registered from XML as SYSTEM at boot, with the battery conditions off' {
    $script:Xml = $null
    Mock Register-ScheduledTask { $script:Xml = $Xml }
    Mock Start-ScheduledTask { }
    Register-AgentTask 'C:\ProgramData\PrepStation\agent\agent.ps1'
    Should -Invoke Register-ScheduledTask -Times 1 -Exactly -ParameterFilter { $TaskName -eq 'PrepStationAgent' -and $Force }
    [xml]$x = $script:Xml
    $x.Task.Settings.DisallowStartIfOnBatteries | Should -Be 'false'
    $x.Task.Settings.StopIfGoingOnBatteries | Should -Be 'false'
    $x.Task.Settings.ExecutionTimeLimit | Should -Be 'PT0S'
    $x.Task.Principals.Principal.UserId | Should -Be 'S-1-5-18'
    $x.Task.Triggers.BootTrigger.Enabled | Should -Be 'true'
    $x.Task.Actions.Exec.Command | Should -Be 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe'
    $x.Task.Actions.Exec.Arguments | Should -Be "-NoProfile -ExecutionPolicy Bypass -File `"C:\ProgramData\PrepStation\agent\agent.ps1`" -Run -StateDir `"$StateDir`""
  }
}

Describe 'a task the answer file made with schtasks' {
  It 'gets its battery conditions turned off by the running agent' {
    $script:Saved = $null
    Mock Write-AgentLog { }
    Mock Get-ScheduledTask { [pscustomobject]@{ Settings = [pscustomobject]@{ DisallowStartIfOnBatteries = $true; StopIfGoingOnBatteries = $true; ExecutionTimeLimit = 'PT72H' } } }
    Mock Set-ScheduledTask { $script:Saved = $Settings }
    Repair-AgentTask
    Should -Invoke Set-ScheduledTask -Times 1 -Exactly -ParameterFilter { $TaskName -eq 'PrepStationAgent' }
    $script:Saved.DisallowStartIfOnBatteries | Should -BeFalse
    $script:Saved.StopIfGoingOnBatteries | Should -BeFalse
    $script:Saved.ExecutionTimeLimit | Should -Be 'PT0S'
  }
  It 'leaves a task that already runs on battery alone' {
    Mock Get-ScheduledTask { [pscustomobject]@{ Settings = [pscustomobject]@{ DisallowStartIfOnBatteries = $false; StopIfGoingOnBatteries = $false; ExecutionTimeLimit = 'PT0S' } } }
    Mock Set-ScheduledTask { }
    Repair-AgentTask
    Should -Invoke Set-ScheduledTask -Times 0
  }
}

Describe 'Wi-Fi' {
  It 'fetches the passphrase from /agent/v1/secrets/:name, hands netsh a profile with it, deletes the file, logs no passphrase' {
    Use-StepLog
    $script:Profile = $null
    Mock Invoke-Station { Get-Secret200 'p&ss<word>' } -ParameterFilter { $Path -eq '/agent/v1/secrets/office-wifi' }
    Mock Invoke-Native { $script:Args = $Arguments; $script:Profile = [IO.File]::ReadAllText((Join-StatePath 'wifi.xml')); 0 }
    Set-WifiStep ([pscustomobject]@{ ssid = 'Office'; security = 'wpa3-personal'; passphrase = [pscustomobject]@{ secret = 'office-wifi' }; hidden = $false; autoConnect = $true })
    Should -Invoke Invoke-Station -Times 1 -Exactly
    $script:Args | Should -Be @('wlan', 'add', 'profile', "filename=$(Join-StatePath 'wifi.xml')", 'user=all')
    [xml]$x = $script:Profile
    $x.WLANProfile.SSIDConfig.SSID.name | Should -Be 'Office'
    $x.WLANProfile.MSM.security.authEncryption.authentication | Should -Be 'WPA3SAE'
    $x.WLANProfile.MSM.security.sharedKey.keyMaterial | Should -Be 'p&ss<word>'
    Test-Path -LiteralPath (Join-StatePath 'wifi.xml') | Should -BeFalse
    [IO.File]::ReadAllText($script:LogFile) | Should -Not -Match 'p&ss'
  }
  It 'fails with a sentence when the station does not have the secret' {
    Mock Invoke-Station { @{ Status = 409; Body = [pscustomobject]@{ ok = $false; error = [pscustomobject]@{ code = 'secret_missing'; message = 'Secret "office-wifi" is not set on the station' } } } }
    { Set-WifiStep ([pscustomobject]@{ ssid = 'Office'; passphrase = [pscustomobject]@{ secret = 'office-wifi' } }) } | Should -Throw '*not fetched (HTTP 409: Secret "office-wifi" is not set*'
  }
}

Describe 'MSIX and the local admin' {
  BeforeEach { Use-StepLog }
  It 'provisions an MSIX for all users with Add-AppxProvisionedPackage, never Add-AppxPackage' {
    Mock Get-StepDownload { $script:File = 'C:\ProgramData\PrepStation\agent\downloads\app-term-term.msixbundle' }
    Mock Test-Detection { 2 }
    Mock Add-AppxProvisionedPackage { }
    Mock Add-AppxPackage { }
    Invoke-Step (New-Step @{ type = 'msix'; shell = 'powershell'; command = 'ignored' })
    $script:Rc | Should -Be 0
    Should -Invoke Add-AppxProvisionedPackage -Times 1 -Exactly -ParameterFilter { $Online -and $SkipLicense -and $PackagePath -eq 'C:\ProgramData\PrepStation\agent\downloads\app-term-term.msixbundle' }
    Should -Invoke Add-AppxPackage -Times 0
  }
  It 'local-admin-password sets the fetched value with Set-LocalUser and reports and logs no trace of it' {
    $script:Got = $null
    Mock Invoke-Station { Get-Secret200 'Sup3r-S3cret!' } -ParameterFilter { $Path -eq '/agent/v1/secrets/admin-password' }
    Mock Send-Queue { 0 }
    Mock Set-LocalUser { $script:Got = @($Name, [Net.NetworkCredential]::new('', $Password).Password) }
    $step = New-Step @{ id = 'config-local-admin'; kind = 'config'; type = 'local-admin-password'; params = [pscustomobject]@{ user = 'tech'; secret = 'admin-password' } }
    $script:Attempt = 1
    Invoke-StepAttempt $step | Should -Be 0
    $script:Got | Should -Be @('tech', 'Sup3r-S3cret!')
    foreach ($f in Get-ChildItem -Recurse -File -LiteralPath $StateDir) { [IO.File]::ReadAllText($f.FullName) | Should -Not -Match 'Sup3r' }
  }
}

Describe 'domain join by the agent (the answer file carries no join password)' {
  BeforeEach { Use-StepLog }
  It 'joins with the fetched password, the OU and user@domain, asks for a restart, keeps no trace of the password' {
    $script:Got = $null
    Mock Get-CimInstance { [pscustomobject]@{ PartOfDomain = $false; Domain = 'WORKGROUP'; Workgroup = 'WORKGROUP' } }
    Mock Invoke-Station { Get-Secret200 'J0in-S3cret!' } -ParameterFilter { $Path -eq '/agent/v1/secrets/join-password' }
    Mock Add-Computer { $script:Got = @($DomainName, $Credential.UserName, $Credential.GetNetworkCredential().Password, $OUPath, [bool]$Force) }
    $params = [pscustomobject]@{ domain = 'corp.example.com'; user = 'joiner'; secret = 'join-password'; ou = 'OU=Bench,DC=corp,DC=example,DC=com' }
    Invoke-Step (New-Step @{ id = 'config-domain-join'; kind = 'config'; type = 'domain-join'; params = $params })
    $script:Rc | Should -Be 0
    $script:Got | Should -Be @('corp.example.com', 'joiner@corp.example.com', 'J0in-S3cret!', 'OU=Bench,DC=corp,DC=example,DC=com', $true)
    $script:Reboot | Should -BeTrue
    foreach ($f in Get-ChildItem -Recurse -File -LiteralPath $StateDir) { [IO.File]::ReadAllText($f.FullName) | Should -Not -Match 'J0in' }
  }
  It 'does nothing when Windows is already a member of that domain (after the restart it asked for)' {
    Mock Get-CimInstance { [pscustomobject]@{ PartOfDomain = $true; Domain = 'CORP.example.com'; Workgroup = $null } }
    Mock Add-Computer { throw 'must not join again' }
    Invoke-Step (New-Step @{ kind = 'config'; type = 'domain-join'; params = [pscustomobject]@{ domain = 'corp.example.com'; user = 'CORP\joiner'; secret = 'join-password' } })
    $script:Rc | Should -Be 0
    $script:Reboot | Should -BeFalse
    Should -Invoke Add-Computer -Times 0
  }
  It 'a refused join fails the step with Windows reason' {
    Mock Get-CimInstance { [pscustomobject]@{ PartOfDomain = $false; Domain = 'WORKGROUP'; Workgroup = 'WORKGROUP' } }
    Mock Invoke-Station { Get-Secret200 'wrong' } -ParameterFilter { $Path -eq '/agent/v1/secrets/join-password' }
    Mock Add-Computer { throw 'The user name or password is incorrect.' }
    Invoke-Step (New-Step @{ kind = 'config'; type = 'domain-join'; params = [pscustomobject]@{ domain = 'corp.example.com'; user = 'joiner'; secret = 'join-password' } })
    $script:Rc | Should -Be 1
    $script:Reason | Should -Match 'password is incorrect'
  }
}

Describe 'checks compare with the expected value the plan carries' {
  BeforeEach { Use-StepLog }
  $cases = @(
    @{ Type = 'hostname'; Params = @{ expected = 'ACME-123456' }; Mocks = { Mock Get-ComputerNameValue { 'DESKTOP-7QX' } }; Actual = 'DESKTOP-7QX' }
    @{ Type = 'joined'; Params = @{ expected = @{ type = 'domain'; domain = 'corp.example.com' } }; Mocks = { Mock Get-JoinState { 'workgroup WORKGROUP' } }; Actual = 'workgroup WORKGROUP' }
    @{ Type = 'registry'; Params = @{ key = 'HKLM\SOFTWARE\Acme'; valueName = 'Mode'; expected = '1' }; Mocks = { Mock Get-RegistryValue { @{ Exists = $true; Value = 0 } } }; Actual = '0' }
    @{ Type = 'file-exists'; Params = @{ path = '/nonexistent/prepstation' }; Mocks = { }; Actual = 'missing (/nonexistent/prepstation)' }
    @{ Type = 'service'; Params = @{ service = 'Spooler'; expected = 'running' }; Mocks = { Mock Get-ServiceState { 'stopped' } }; Actual = 'stopped' }
    @{ Type = 'app-installed'; Params = @{ app = 'x'; detect = @{ type = 'file'; path = 'C:\x.exe' } }; Mocks = { Mock Test-Detection { 1 } }; Actual = 'not installed' }
  )
  It '<Type>: a mismatch is FAIL with expected and actual' -TestCases $cases {
    . $Mocks
    Invoke-Step (New-Step @{ id = "check-$Type"; kind = 'check'; type = $Type; params = [pscustomobject]$Params })
    $script:Rc | Should -Be 1
    $script:Check.pass | Should -BeFalse
    $script:Check.actual | Should -Be $Actual
    $script:Reason | Should -BeLike "expected *, found $Actual"
  }
  It 'hostname: the same name in another case is PASS (Windows names ignore case)' {
    Mock Get-ComputerNameValue { 'ACME-123456' }
    Invoke-Step (New-Step @{ kind = 'check'; type = 'hostname'; params = [pscustomobject]@{ expected = 'acme-123456' } })
    $script:Rc | Should -Be 0
    $script:Check | Should -Not -BeNullOrEmpty
    $script:Check.pass | Should -BeTrue
  }
  It 'hostname: no expected value from the station is FAIL, not PASS' {
    Mock Get-ComputerNameValue { 'ACME-123456' }
    Invoke-Step (New-Step @{ kind = 'check'; type = 'hostname'; params = [pscustomobject]@{} })
    $script:Check.pass | Should -BeFalse
  }
  It 'command: the wrong output is FAIL with both outputs' {
    Mock Invoke-StepCommand { Add-StepLog 'wrong'; 0 }
    Invoke-Step (New-Step @{ kind = 'check'; type = 'command'; shell = 'cmd'; command = 'echo'; successCodes = @(0); rebootCodes = @(); params = [pscustomobject]@{ expectedOutput = 'right' } })
    $script:Rc | Should -Be 1
    $script:Check.expected | Should -Be 'exit code 0, output "right"'
    $script:Check.actual | Should -Be 'exit code 0, output "wrong"'
  }
}
