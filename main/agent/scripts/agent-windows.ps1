# PrepStation Windows agent, part 3 of 4: everything only Windows can do (msiexec through
# cmd, registry hives, the scheduled task, CIM, netsh wlan, powercfg, Appx, local users),
# behind a small set of functions. The rest of the agent runs under pwsh on Linux in CI;
# these functions are tested there with Pester mocks (test/pester/). The few that the agent
# needs on every run (inventory, setup-in-progress, the state dir's ACL, the task) do the
# plain thing elsewhere so the core can run; nothing else here is reached off Windows.
# Keep this file ASCII (see agent-core.ps1).

# ---- native programs -------------------------------------------------------------------

# Windows command-line quoting (CommandLineToArgvW): PowerShell 5.1 and 7.3+ pass native
# arguments differently, so the agent builds the command line itself.
function ConvertTo-CommandLine([string[]]$Arguments) {
  $out = foreach ($a in $Arguments) {
    if ($a -ne '' -and $a -notmatch '[\s"]') { $a; continue }
    '"' + ($a -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1') + '"'
  }
  return ($out -join ' ')
}

# Runs a Windows program (reg, netsh, powercfg) to its end; output into the step log.
function Invoke-Native([string]$Exe, [string[]]$Arguments) {
  $p = Start-StepProcess "$env:SystemRoot\System32\$Exe" (ConvertTo-CommandLine $Arguments)
  $out = $p.StandardOutput.ReadToEndAsync()
  $err = $p.StandardError.ReadToEndAsync()
  $p.WaitForExit()
  $text = ''
  foreach ($t in @($out, $err)) { if (-not $t.IsFaulted) { $text += $t.Result } }
  Add-StepLog @($text.Split("`n") | ForEach-Object { $_.TrimEnd("`r") } | Where-Object { $_ -ne '' })
  return [int]$p.ExitCode
}

# ---- registry --------------------------------------------------------------------------

$script:HiveNames = @{
  HKLM = 'HKEY_LOCAL_MACHINE'; HKCU = 'HKEY_CURRENT_USER'; HKU = 'HKEY_USERS'; HKCR = 'HKEY_CLASSES_ROOT'
}

# 'HKLM\SOFTWARE\X' -> @{ Root = 'HKEY_LOCAL_MACHINE'; Sub = 'SOFTWARE\X' }
function Split-RegKey([string]$Key) {
  $i = $Key.IndexOf('\')
  $hive = if ($i -lt 0) { $Key } else { $Key.Substring(0, $i) }
  $sub = if ($i -lt 0) { '' } else { $Key.Substring($i + 1) }
  if ($script:HiveNames.ContainsKey($hive.ToUpper())) { $hive = $script:HiveNames[$hive.ToUpper()] }
  return @{ Root = $hive.ToUpper(); Sub = $sub }
}

function Open-RegistryBase([string]$Root) {
  $hive = switch ($Root) {
    'HKEY_LOCAL_MACHINE' { [Microsoft.Win32.RegistryHive]::LocalMachine }
    'HKEY_USERS' { [Microsoft.Win32.RegistryHive]::Users }
    'HKEY_CLASSES_ROOT' { [Microsoft.Win32.RegistryHive]::ClassesRoot }
    'HKEY_CURRENT_USER' { [Microsoft.Win32.RegistryHive]::CurrentUser }
    default { throw "unknown registry hive $Root" }
  }
  # The 64-bit view: Windows PowerShell can be started 32-bit, and installers write there.
  return [Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, [Microsoft.Win32.RegistryView]::Registry64)
}

# Writes one value at a full path (HKEY_USERS\PrepStation_Default\Control Panel\Desktop).
# .NET keys, disposed at once: a handle left open would keep a loaded hive from unloading.
function Set-RegistryValue([string]$Path, [string]$Name, [string]$Kind, $Value) {
  $k = Split-RegKey $Path
  $base = Open-RegistryBase $k.Root
  try {
    $key = $base.CreateSubKey($k.Sub)
    try {
      $v = switch ($Kind) {
        'DWord' { [BitConverter]::ToInt32([BitConverter]::GetBytes([int64]$Value), 0) }
        'QWord' { [int64]$Value }
        'MultiString' { [string[]]@($Value) }
        'Binary' { [byte[]]@(([string]$Value -replace '[^0-9A-Fa-f]', '') -split '(..)' | Where-Object { $_ } | ForEach-Object { [Convert]::ToByte($_, 16) }) }
        default { [string]$Value }
      }
      $key.SetValue($Name, $v, [Microsoft.Win32.RegistryValueKind]$Kind)
    } finally { $key.Dispose() }
  } finally { $base.Dispose() }
}

function Remove-RegistryValue([string]$Path, [string]$Name) {
  $k = Split-RegKey $Path
  $base = Open-RegistryBase $k.Root
  try {
    $key = $base.OpenSubKey($k.Sub, $true)
    if ($null -ne $key) { try { $key.DeleteValue($Name, $false) } finally { $key.Dispose() } }
  } finally { $base.Dispose() }
}

# @{ Exists; Value } of a value (Name $null: the key itself). HKCU means the default
# user's hive, which is where the agent (running as SYSTEM) writes HKCU steps for new users.
function Get-RegistryValue([string]$Key, $Name) {
  $k = Split-RegKey $Key
  if ($k.Root -eq 'HKEY_CURRENT_USER') {
    $found = @{ Exists = $false; Value = $null }
    Invoke-InUserHives -DefaultOnly { param($root) $r = Get-RegistryValue "$root\$($k.Sub)" $Name; $found.Exists = $r.Exists; $found.Value = $r.Value }
    return $found
  }
  $base = Open-RegistryBase $k.Root
  try {
    $key = $base.OpenSubKey($k.Sub)
    if ($null -eq $key) { return @{ Exists = $false; Value = $null } }
    try {
      if ($null -eq $Name) { return @{ Exists = $true; Value = $null } }
      if (@($key.GetValueNames()) -notcontains $Name) { return @{ Exists = $false; Value = $null } }
      return @{ Exists = $true; Value = $key.GetValue($Name) }
    } finally { $key.Dispose() }
  } finally { $base.Dispose() }
}

# The accounts with a profile on this PC: @{ Sid; Path } from ProfileList (local and
# domain users, S-1-5-21-...), and the default profile new accounts are copied from.
function Get-UserProfiles {
  $list = 'Registry::HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList'
  @(Get-ChildItem -LiteralPath $list | Where-Object { $_.PSChildName -match '^S-1-5-21-' } | ForEach-Object {
      @{ Sid = $_.PSChildName; Path = [Environment]::ExpandEnvironmentVariables([string]$_.GetValue('ProfileImagePath')) }
    })
}

function Get-DefaultProfilePath {
  $v = Get-RegistryValue 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList' 'Default'
  if ($v.Exists) { return [Environment]::ExpandEnvironmentVariables([string]$v.Value) }
  return "$env:SystemDrive\Users\Default"
}

# Runs Action once per user hive, with its HKEY_USERS path: the default user's
# (NTUSER.DAT loaded with reg load, unloaded after) so accounts made later get the value,
# and every existing account's (its loaded hive, or its NTUSER.DAT loaded the same way).
# HKCU itself would be SYSTEM's own hive: nobody logs on with it.
function Invoke-InUserHives([scriptblock]$Action, [switch]$DefaultOnly) {
  $targets = @(@{ Name = 'Default'; Dat = "$(Get-DefaultProfilePath)\NTUSER.DAT"; Mount = 'PrepStation_Default' })
  if (-not $DefaultOnly) {
    foreach ($u in Get-UserProfiles) {
      if (Test-Path -LiteralPath "Registry::HKEY_USERS\$($u.Sid)") { $targets += @{ Name = $u.Sid; Root = "HKEY_USERS\$($u.Sid)" } }
      elseif (Test-Path -LiteralPath "$($u.Path)\NTUSER.DAT") { $targets += @{ Name = $u.Sid; Dat = "$($u.Path)\NTUSER.DAT"; Mount = "PrepStation_$($u.Sid)" } }
    }
  }
  foreach ($t in $targets) {
    if (-not $t.ContainsKey('Dat')) { & $Action $t.Root; continue }
    $rc = Invoke-Native 'reg.exe' @('load', "HKU\$($t.Mount)", $t.Dat)
    if ($rc -ne 0) { throw "reg load of $($t.Dat) failed (exit code $rc)" }
    try { & $Action "HKEY_USERS\$($t.Mount)" } finally {
      [GC]::Collect(); [GC]::WaitForPendingFinalizers()
      $rc = Invoke-Native 'reg.exe' @('unload', "HKU\$($t.Mount)")
      if ($rc -ne 0) { Add-StepLog "reg unload HKU\$($t.Mount) failed (exit code $rc); Windows unloads it at restart" }
    }
  }
}

# A registry step: HKLM/HKU/HKCR as written; HKCU into every user hive (see above).
function Set-RegistryStep($P) {
  $k = Split-RegKey ([string]$P.key)
  $name = [string](Get-Field $P 'valueName' '')
  $delete = [bool](Get-Field $P 'delete' $false)
  $apply = {
    param($root)
    $path = if ($k.Sub) { "$root\$($k.Sub)" } else { $root }
    if ($delete) { Remove-RegistryValue $path $name } else { Set-RegistryValue $path $name ([string]$P.kind) (Get-Field $P 'value' '') }
  }
  if ($k.Root -eq 'HKEY_CURRENT_USER') { Invoke-InUserHives $apply } else { & $apply $k.Root }
  Add-StepLog "$(if ($delete) { 'deleted' } else { 'set' }) $($P.key)\$name$(if ($k.Root -eq 'HKEY_CURRENT_USER') { ' in every user hive' })"
}

# Installed programs from both Uninstall views: @{ Key; DisplayName; DisplayVersion }.
function Get-UninstallEntries {
  if (-not $script:OnWindows) { return }
  foreach ($r in @('SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')) {
    $path = "Registry::HKEY_LOCAL_MACHINE\$r"
    if (-not (Test-Path -LiteralPath $path)) { continue }
    Get-ChildItem -LiteralPath $path | ForEach-Object {
      @{ Key = $_.PSChildName; DisplayName = [string]$_.GetValue('DisplayName'); DisplayVersion = [string]$_.GetValue('DisplayVersion') }
    }
  }
}

# ---- machine facts (CIM) ---------------------------------------------------------------

function Get-Inventory {
  if (-not $script:OnWindows) {
    return @{ hostname = [Environment]::MachineName; os = [Runtime.InteropServices.RuntimeInformation]::OSDescription; agentVersion = $AgentVersion; cores = [Environment]::ProcessorCount }
  }
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

# 'domain corp.example.com' or 'workgroup WORKGROUP', as Windows sees itself.
function Get-JoinState {
  $cs = Get-CimInstance Win32_ComputerSystem
  if ($cs.PartOfDomain) { return "domain $($cs.Domain)" }
  return "workgroup $($cs.Workgroup)"
}

# 'running', 'stopped' or 'not installed'.
function Get-ServiceState([string]$Name) {
  $svc = Get-Service -Name $Name -ErrorAction SilentlyContinue
  if ($null -eq $svc) { return 'not installed' }
  if ($svc.Status -eq 'Running') { return 'running' }
  return 'stopped'
}

# Installers started before Windows setup has finished can fail (WINDOWS.md 3).
function Test-SetupInProgress {
  if (-not $script:OnWindows) { return $false }
  return (Get-RegistryValue 'HKLM\SYSTEM\Setup' 'SystemSetupInProgress').Value -eq 1
}

# ---- configuration steps ---------------------------------------------------------------

function Set-WifiStep($P) {
  $security = [string](Get-Field $P 'security' 'wpa2-personal')
  $auth = 'WPA2PSK'
  if ($security -eq 'open') { $auth = 'open' }
  if ($security -eq 'wpa3-personal') { $auth = 'WPA3SAE' }
  $ssid = [Security.SecurityElement]::Escape([string]$P.ssid)
  $mode = if ([bool](Get-Field $P 'autoConnect' $true)) { 'auto' } else { 'manual' }
  $hidden = ([string][bool](Get-Field $P 'hidden' $false)).ToLower()
  $sec = '<authEncryption><authentication>open</authentication><encryption>none</encryption><useOneX>false</useOneX></authEncryption>'
  if ($auth -ne 'open') {
    $secret = Get-Field (Get-Field $P 'passphrase') 'secret'
    if (-not $secret) { throw "Wi-Fi $($P.ssid) is $security but names no passphrase secret; add passphrase: { secret: NAME } to the profile" }
    # Fetched now, kept in memory and in a SYSTEM-only file that netsh reads and we delete.
    $key = Get-StationSecret ([string]$secret)
    $sec = "<authEncryption><authentication>$auth</authentication><encryption>AES</encryption><useOneX>false</useOneX></authEncryption><sharedKey><keyType>passPhrase</keyType><protected>false</protected><keyMaterial>$([Security.SecurityElement]::Escape($key))</keyMaterial></sharedKey>"
  }
  $xml = "<?xml version=`"1.0`" encoding=`"UTF-8`"?><WLANProfile xmlns=`"http://www.microsoft.com/networking/WLAN/profile/v1`"><name>$ssid</name><SSIDConfig><SSID><name>$ssid</name></SSID><nonBroadcast>$hidden</nonBroadcast></SSIDConfig><connectionType>ESS</connectionType><connectionMode>$mode</connectionMode><MSM><security>$sec</security></MSM></WLANProfile>"
  $file = Join-StatePath 'wifi.xml'
  Save-Text $file $xml
  try {
    $rc = Invoke-Native 'netsh.exe' @('wlan', 'add', 'profile', "filename=$file", 'user=all')
    if ($rc -ne 0) { throw "netsh wlan add profile failed (exit code $rc)" }
  } finally { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
}

function Set-PowerStep($P) {
  $schemes = @{ 'balanced' = 'SCHEME_BALANCED'; 'high-performance' = 'SCHEME_MIN'; 'power-saver' = 'SCHEME_MAX' }
  $calls = @()
  $plan = Get-Field $P 'plan'
  if ($plan) { $calls += , @('/setactive', $schemes[[string]$plan]) }
  foreach ($pair in @(@('sleepMinutesAc', 'standby-timeout-ac'), @('sleepMinutesDc', 'standby-timeout-dc'), @('monitorMinutesAc', 'monitor-timeout-ac'), @('monitorMinutesDc', 'monitor-timeout-dc'))) {
    $v = Get-Field $P $pair[0]
    if ($null -ne $v) { $calls += , @('/change', $pair[1], [string]$v) }
  }
  $hib = Get-Field $P 'hibernate'
  if ($null -ne $hib) { $calls += , @('/hibernate', $(if ($hib) { 'on' } else { 'off' })) }
  foreach ($c in $calls) {
    $rc = Invoke-Native 'powercfg.exe' $c
    if ($rc -ne 0) { throw "powercfg $($c -join ' ') failed (exit code $rc)" }
  }
  $fast = Get-Field $P 'fastStartup'
  if ($null -ne $fast) {
    Set-RegistryValue 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Power' 'HiberbootEnabled' 'DWord' ([int][bool]$fast)
  }
}

# The desktop wallpaper of every user (default hive + existing users) through the
# documented per-user values, which every edition reads. PersonalizationCSP is read by
# Enterprise and Education only, so it is not used.
function Set-WallpaperStep($P, [string]$Image, [string]$Name) {
  $styles = @{ fill = @('10', '0'); fit = @('6', '0'); stretch = @('2', '0'); center = @('0', '0'); tile = @('0', '1'); span = @('22', '0') }
  $style = $styles[[string](Get-Field $P 'style' 'fill')]
  $dir = "$env:SystemRoot\Web\Wallpaper\PrepStation"
  New-Item -ItemType Directory -Force -Path $dir | Out-Null
  $target = "$dir\$($Name -replace '[^A-Za-z0-9._-]', '_')"
  Copy-Item -Force -LiteralPath $Image -Destination $target
  Invoke-InUserHives {
    param($root)
    Set-RegistryValue "$root\Control Panel\Desktop" 'Wallpaper' 'String' $target
    Set-RegistryValue "$root\Control Panel\Desktop" 'WallpaperStyle' 'String' $style[0]
    Set-RegistryValue "$root\Control Panel\Desktop" 'TileWallpaper' 'String' $style[1]
  }
  Add-StepLog "wallpaper $target ($(Get-Field $P 'style' 'fill')) set for every user"
  if ([bool](Get-Field $P 'lockScreen' $false)) {
    $edition = [string](Get-RegistryValue 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion' 'EditionID').Value
    if ($edition -notmatch '^(Enterprise|Education|Server)') {
      throw "the desktop wallpaper is set, but Windows $edition cannot be given a lock screen image (Enterprise and Education only): turn lockScreen off in the profile"
    }
    Set-RegistryValue 'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\Personalization' 'LockScreenImage' 'String' $target
  }
}

# An MSIX/Appx package provisioned for every account (present and future). Add-AppxPackage
# as SYSTEM would install it for SYSTEM only.
function Install-ProvisionedAppx([string]$Path) {
  Add-AppxProvisionedPackage -Online -PackagePath $Path -SkipLicense -ErrorAction Stop | Out-Null
  Add-StepLog "provisioned $([IO.Path]::GetFileName($Path)) for all users"
}

# The local admin's real password, from the station's secret store; the answer file only
# set a one-time one. The value goes to Windows, never to a log or a report.
function Set-LocalAdminPassword([string]$User, [string]$Secret) {
  $value = Get-StationSecret $Secret
  if ($null -ne (Get-Command Set-LocalUser -ErrorAction SilentlyContinue)) {
    Set-LocalUser -Name $User -Password (ConvertTo-SecureString -String $value -AsPlainText -Force) -ErrorAction Stop
  } else {
    ([ADSI]"WinNT://./$User,user").SetPassword($value)
  }
  Add-StepLog "password of local user $User set from secret $Secret"
}

# The domain join, with the join account's password from the station's secret store (the
# answer file joins nothing: any bench device could read it). Already a member of that
# domain, as after the restart this step asks for: nothing to do.
function Join-StationDomain($P) {
  $domain = [string](Get-Field $P 'domain')
  $cs = Get-CimInstance Win32_ComputerSystem
  if ($cs.PartOfDomain -and ([string]$cs.Domain) -ieq $domain) {
    Add-StepLog "already a member of $domain"
    return
  }
  $user = [string](Get-Field $P 'user')
  if ($user -notmatch '[\\@]') { $user = "$user@$domain" }
  $value = Get-StationSecret (Get-SecretName (Get-Field $P 'secret'))
  $cred = New-Object System.Management.Automation.PSCredential($user, (ConvertTo-SecureString -String $value -AsPlainText -Force))
  $join = @{ DomainName = $domain; Credential = $cred; Force = $true; ErrorAction = 'Stop' }
  $ou = Get-Field $P 'ou'
  if ($ou) { $join.OUPath = [string]$ou }
  Add-Computer @join
  Add-StepLog "joined $domain as $user; restarting to finish the join"
  $script:Reboot = $true
}

# ---- the agent's own task, state dir and restart ---------------------------------------

# The SYSTEM task that starts the agent at boot, as Task Scheduler XML: schtasks /create
# cannot turn off the battery conditions, and a laptop on battery must still be set up.
function Get-AgentTaskXml([string]$Exe, [string]$Arguments) {
  $e = [Security.SecurityElement]::Escape($Exe); $a = [Security.SecurityElement]::Escape($Arguments)
  return @"
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>PrepStation agent: installs apps and settings, reports to the station</Description></RegistrationInfo>
  <Triggers><BootTrigger><Enabled>true</Enabled></BootTrigger></Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings><StopOnIdleEnd>false</StopOnIdleEnd><RestartOnIdle>false</RestartOnIdle></IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author"><Exec><Command>$e</Command><Arguments>$a</Arguments></Exec></Actions>
</Task>
"@
}

function Register-AgentTask([string]$Script) {
  $ps = "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe"
  $xml = Get-AgentTaskXml $ps "-NoProfile -ExecutionPolicy Bypass -File `"$Script`" -Run -StateDir `"$StateDir`""
  Register-ScheduledTask -TaskName $TaskName -Xml $xml -Force -ErrorAction Stop | Out-Null
  Start-ScheduledTask -TaskName $TaskName -ErrorAction Stop
}

# The task may have been made by the answer file with schtasks /create, which keeps Task
# Scheduler's defaults: no start on battery, stopped when unplugged, killed after 72 h. The
# running agent turns those off on its own task (the change applies to the definition; the
# running instance goes on).
function Repair-AgentTask {
  if (-not $script:OnWindows) { return }
  try {
    $t = Get-ScheduledTask -TaskName $TaskName -ErrorAction Stop
    $s = $t.Settings
    if (-not $s.DisallowStartIfOnBatteries -and -not $s.StopIfGoingOnBatteries -and $s.ExecutionTimeLimit -eq 'PT0S') { return }
    $s.DisallowStartIfOnBatteries = $false
    $s.StopIfGoingOnBatteries = $false
    $s.ExecutionTimeLimit = 'PT0S'
    Set-ScheduledTask -TaskName $TaskName -Settings $s -ErrorAction Stop | Out-Null
    Write-AgentLog "task $TaskName now runs on battery too"
  } catch { Write-AgentLog "task $TaskName not adjusted for battery: $($_.Exception.Message)" }
}

function Remove-AgentTask {
  if (-not $script:OnWindows) { return }
  Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction SilentlyContinue
}

# SYSTEM and Administrators only: the config holds the machine token.
function Protect-StateDir {
  if (-not $script:OnWindows) { return }
  & "$env:SystemRoot\System32\icacls.exe" $StateDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
}
