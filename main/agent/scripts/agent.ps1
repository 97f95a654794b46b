# PrepStation agent for Windows: Windows PowerShell 5.1, run as SYSTEM by a boot-time
# scheduled task (WINDOWS.md 3, 4). It mirrors agent.sh function for function: the same
# protocol (docs/agent-protocol.md), the same state dir layout, the same resume rules.
#
#   agent.ps1 -Install -Station URL -Token TOKEN   copy itself, register the task, start it
#   agent.ps1 -Run [-Station URL -Token TOKEN]     run now (what the task runs)
#
# Everything it must not forget lives in its state dir: reports wait in a queue on disk and
# are resent in order; a step that was running when the machine went down runs again;
# finished steps never run twice.
#
# Four parts sit beside this file and are dot-sourced below; the station serves one file
# with them inlined (main/agent/scripts/routes.ts). agent-windows.ps1 holds all that only
# Windows can do; the rest also runs under PowerShell 7 on Linux, which is how CI runs it.
# Tests (and only tests) set PREPSTATION_RETRY_DELAY, PREPSTATION_STATION_WAIT,
# PREPSTATION_HEARTBEAT and PREPSTATION_BUSY_WAIT to make the waits short.
#
# Keep every part ASCII: PowerShell 5.1 reads a script without a BOM in the ANSI code page.
# PowerShell 5.1 syntax only (no ??, ?., ternary, && or ||): test/unit/main/agent checks.

param(
  [switch]$Install,
  [switch]$Run,
  [string]$Station = '',
  [string]$Token = '',
  [string]$StateDir = "$env:ProgramData\PrepStation\agent",
  [string]$RebootCmd = 'shutdown.exe /r /t 10 /c "PrepStation: restarting to continue the setup"'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
# 43 min -> 5 s for large downloads (WINDOWS.md 4).
$ProgressPreference = 'SilentlyContinue'
$AgentVersion = '1.0.0'
# Filled in by the station when it serves this file to one machine (/t/<token>/agent.ps1),
# so start.cmd only has to fetch and start it. Parameters and the state dir win.
$EmbeddedStation = ''
$EmbeddedToken = ''
$TaskName = 'PrepStationAgent'
# [Environment]::OSVersion, not $IsWindows: Windows PowerShell 5.1 has no $IsWindows.
$script:OnWindows = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
$script:Utf8 = New-Object Text.UTF8Encoding($false)
function Get-EnvNumber([string]$Name, [double]$Default) {
  $v = [Environment]::GetEnvironmentVariable($Name)
  if ($v) { return [double]$v } else { return $Default }
}
$RetryDelay = Get-EnvNumber 'PREPSTATION_RETRY_DELAY' 10
$StationWait = Get-EnvNumber 'PREPSTATION_STATION_WAIT' 1800
$script:BusyTries = 10
$script:BusyWait = Get-EnvNumber 'PREPSTATION_BUSY_WAIT' 30
$script:Seq = 0
$script:Stop = $false
$script:Plan = $null
$script:Heartbeat = $null
$script:LogFile = ''
$script:File = $null
$script:TimedOut = $false
$script:Check = $null
# Windows PowerShell 5.1 offers TLS 1.0 only unless told; PowerShell 7 ignores this.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
# .NET Framework (5.1) sends "Expect: 100-continue" and waits for it on every POST.
[Net.ServicePointManager]::Expect100Continue = $false

. (Join-Path $PSScriptRoot 'agent-core.ps1')
. (Join-Path $PSScriptRoot 'agent-process.ps1')
. (Join-Path $PSScriptRoot 'agent-windows.ps1')
. (Join-Path $PSScriptRoot 'agent-steps.ps1')

# A command line of the reboot kind: cmd.exe on Windows, sh elsewhere (tests).
function Invoke-ShellLine([string]$Line) {
  if ($script:OnWindows) { & "$env:SystemRoot\System32\cmd.exe" /d /c $Line | Out-Null }
  else { & '/bin/sh' -c $Line | Out-Null }
}

# ---- main ----------------------------------------------------------------------------

function Stop-Agent([switch]$Finished) {
  if ($null -ne $script:Heartbeat) { Stop-Job $script:Heartbeat -ErrorAction SilentlyContinue; Remove-Job $script:Heartbeat -Force -ErrorAction SilentlyContinue }
  if ($Finished) {
    Write-AgentLog 'deployment finished; agent off'
    Remove-AgentTask
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -LiteralPath (Join-StatePath 'queue'), (Join-StatePath 'downloads'), (Join-StatePath 'config.json')
    Save-Text (Join-StatePath 'finished') ''
    # This copy carries the (now expired) token: do not leave it on a customer's PC.
    if ($EmbeddedToken -and $PSCommandPath) { Remove-Item -Force -LiteralPath $PSCommandPath -ErrorAction SilentlyContinue }
  }
  exit 0
}

function Start-Heartbeat([int]$Every) {
  $script:Heartbeat = Start-Job -ArgumentList $script:Station, $script:Token, $Every, $PID -ScriptBlock {
    param($S, $T, $Seconds, $Parent)
    while ($true) {
      Start-Sleep -Seconds $Seconds
      # A killed agent (a power cut in a test) must not leave its heartbeat behind.
      if ($null -eq (Get-Process -Id $Parent -ErrorAction SilentlyContinue)) { exit 0 }
      try {
        $req = [Net.HttpWebRequest]::Create("$S/agent/v1/heartbeat")
        $req.Method = 'POST'; $req.Timeout = 30000; $req.ContentType = 'application/json'
        $req.Headers.Add('Authorization', "Bearer $T")
        $b = [Text.Encoding]::ASCII.GetBytes('{}'); $req.ContentLength = $b.Length
        $s = $req.GetRequestStream(); $s.Write($b, 0, $b.Length); $s.Dispose()
        $req.GetResponse().Close()
      } catch { [void]$_ }
    }
  }
}

function Start-Agent {
  foreach ($d in @('queue', 'steps')) { New-Item -ItemType Directory -Force -Path (Join-StatePath $d) | Out-Null }
  $cfg = Join-StatePath 'config.json'
  if (-not $script:Station -and (Test-Path -LiteralPath $cfg)) {
    $c = Read-Text $cfg | ConvertFrom-Json
    $script:Station = [string]$c.station; $script:Token = [string]$c.token
  }
  if (-not $script:Station) { $script:Station = $EmbeddedStation; $script:Token = $EmbeddedToken }
  if (-not $script:Station -or -not $script:Token) { Write-Host 'usage: agent.ps1 -Run -Station URL -Token TOKEN (or a config in the state dir)'; exit 2 }
  if (Test-Path -LiteralPath (Join-StatePath 'finished')) { Write-AgentLog 'deployment already finished'; exit 0 }
  $script:Station = $script:Station.TrimEnd('/')
  while (Test-SetupInProgress) { Start-Sleep -Seconds 10 }
  Repair-AgentTask
  $seqFile = Join-StatePath 'seq'
  if (Test-Path -LiteralPath $seqFile) { $script:Seq = [int](Read-Text $seqFile) }
  if (Test-Path -LiteralPath (Join-StatePath 'rebooting')) { Remove-Item -LiteralPath (Join-StatePath 'rebooting'); Write-AgentLog 'back after a reboot' }
  Write-AgentLog "agent $AgentVersion for $($script:Station) (state $StateDir, PowerShell $($PSVersionTable.PSVersion))"

  $wait = 5
  while ((Update-Plan) -ne 0) {
    if ($script:Stop) { Stop-Agent -Finished }
    $cached = Join-StatePath 'plan.json'
    if (Test-Path -LiteralPath $cached) { $script:Plan = Read-Text $cached | ConvertFrom-Json; Write-AgentLog 'using the last plan until the station answers'; break }
    Start-Sleep -Seconds $wait; if ($wait -lt 60) { $wait *= 2 }
  }
  if ([int]$script:Plan.lastSeq -gt $script:Seq -and @(Get-QueueFiles).Count -eq 0) { $script:Seq = [int]$script:Plan.lastSeq }
  if ($script:Plan.state -eq 'done') { Stop-Agent -Finished }
  Start-Heartbeat ([int](Get-EnvNumber 'PREPSTATION_HEARTBEAT' ([double](Get-Field $script:Plan 'heartbeatSeconds' 30))))
  [void](Send-Queue)

  while ($true) {
    $revision = $script:Plan.planRevision
    [void](Invoke-Plan)
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
          Get-ChildItem -LiteralPath (Join-StatePath 'steps') | Where-Object { (Read-Text $_.FullName) -match '^failed' } | Remove-Item
          break
        }
      }
      Start-Sleep -Seconds $wait; if ($wait -lt 30) { $wait *= 2 }
    }
  }
}

function Install-Agent {
  if (-not $Station -or -not $Token) { Write-Host 'install needs -Station and -Token'; exit 2 }
  New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
  Protect-StateDir
  Save-Text (Join-StatePath 'config.json') (ConvertTo-AgentJson @{ station = $Station; token = $Token })
  $target = Join-StatePath 'agent.ps1'
  if ($PSCommandPath -ne $target) { Copy-Item -Force -LiteralPath $PSCommandPath -Destination $target }
  Register-AgentTask $target
  Write-Host "prepstation-agent: installed as the boot task $TaskName"
}

$script:Station = $Station
$script:Token = $Token
# No switch at all is -Run: start.cmd starts the copy the station filled in.
if ($Install) { Install-Agent } else { [void]$Run; Start-Agent }
