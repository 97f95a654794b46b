# PrepStation Windows agent, part 4 of 4: what each kind of step does, checks compared
# with the plan's expected values, one attempt, the whole plan. Mirrors agent.sh.
# Keep this file ASCII (see agent-core.ps1).

function Get-ComputerNameValue {
  if ($script:OnWindows) { return [string]$env:COMPUTERNAME }
  return [Environment]::MachineName
}

# The evidence a check reports: what the plan expected, what the machine has, pass or not
# (docs/agent-protocol.md, "Checks"). Texts are cut to the protocol's 500 characters.
function New-CheckResult([string]$Expected, [string]$Actual, [bool]$Pass) {
  $cut = { param($s) if ($s.Length -gt 500) { $s.Substring(0, 497) + '...' } else { $s } }
  return @{ expected = (& $cut $Expected); actual = (& $cut $Actual); pass = $Pass }
}

# Every check but `command` (which runs like a script step): $null means skip ($script:Skip).
function Get-CheckResult($Step) {
  $P = $Step.params
  switch ([string]$Step.type) {
    'hostname' {
      $want = Get-Field $P 'expected'
      $have = Get-ComputerNameValue
      if ($null -eq $want) { return New-CheckResult '(the station sent no expected hostname)' $have $false }
      # Windows compares computer names without case (and shows them upper case).
      return New-CheckResult ([string]$want) $have ($have -ieq [string]$want)
    }
    'joined' {
      $want = Get-Field $P 'expected'
      if ($null -eq $want) { return New-CheckResult '(the station sent no expected domain or workgroup)' '' $false }
      $wantText = if ((Get-Field $want 'type') -eq 'domain') { "domain $(Get-Field $want 'domain')" } else { "workgroup $(Get-Field $want 'name' 'WORKGROUP')" }
      if (-not $script:OnWindows) { $script:Skip = 'domain and workgroup membership is read from Windows'; return $null }
      $have = Get-JoinState
      return New-CheckResult $wantText $have ($have -ieq $wantText)
    }
    'registry' {
      if (-not $script:OnWindows) { $script:Skip = 'registry checks need Windows'; return $null }
      $want = [string](Get-Field $P 'expected' '')
      $v = Get-RegistryValue ([string]$P.key) ([string](Get-Field $P 'valueName' ''))
      $have = if (-not $v.Exists) { '(no such value)' } elseif ($v.Value -is [array]) { @($v.Value) -join "`n" } else { [string]$v.Value }
      return New-CheckResult $want $have ($v.Exists -and $have -ceq $want)
    }
    'file-exists' {
      $path = [Environment]::ExpandEnvironmentVariables([string]$P.path)
      if (Test-Path -LiteralPath $path) { return New-CheckResult 'exists' 'exists' $true }
      return New-CheckResult 'exists' "missing ($path)" $false
    }
    'service' {
      $want = [string](Get-Field $P 'expected' 'running')
      $have = Get-ServiceState ([string]$P.service)
      return New-CheckResult $want $have ($have -eq $want)
    }
    'app-installed' {
      $found = Test-Detection (Get-Field $P 'detect')
      if ($found -eq 2) { $script:Skip = 'no detection rule for this app'; return $null }
      $have = if ($found -eq 0) { 'installed' } else { 'not installed' }
      return New-CheckResult 'installed' $have ($found -eq 0)
    }
  }
  $script:Skip = "check $($Step.type) is not known to this agent"
  return $null
}

# A check's verdict into the step's outcome: a mismatch fails the step with the evidence.
function Set-CheckOutcome($Result) {
  if ($null -eq $Result) { return }
  $script:Check = $Result
  Add-StepLog "expected: $($Result.expected)", "actual: $($Result.actual)", $(if ($Result.pass) { 'PASS' } else { 'FAIL' })
  if (-not $Result.pass) { if ($script:Rc -eq 0) { $script:Rc = 1 }; $script:Reason = "expected $($Result.expected), found $($Result.actual)" }
}

# Steps only Windows can carry out; elsewhere they are skipped, as agent.sh skips them.
$script:WindowsOnlySteps = '^(config:(registry|wifi|power|wallpaper|local-admin-password|domain-join)|app:msix)$'

# The local admin step's secret: a name, or a { secret: name } reference.
function Get-SecretName($Value) {
  $inner = Get-Field $Value 'secret'
  if ($null -ne $inner) { return [string]$inner }
  return [string]$Value
}

# Runs step $Step; sets $script:Rc, Reason, Reboot, Skip, Check.
function Invoke-Step($Step) {
  $script:Rc = 0; $script:Reason = ''; $script:Reboot = $false; $script:Skip = ''; $script:Check = $null; $script:File = $null
  $script:TimedOut = $false
  $ok = @($Step.successCodes); if ($ok.Count -eq 0) { $ok = @(0) }
  $timeout = if ($Step.timeoutSeconds) { [int]$Step.timeoutSeconds } else { 1800 }
  $boot = @($Step.rebootCodes)
  $P = $Step.params
  $what = "$($Step.kind):$($Step.type)"
  try {
    if (-not $script:OnWindows -and $what -match $script:WindowsOnlySteps) { $script:Skip = "$($Step.kind) $($Step.type) applies to Windows only"; return }
    if ($Step.kind -eq 'inventory') { Add-Report @{ type = 'inventory'; inventory = (Get-Inventory) }; return }
    if ($Step.kind -eq 'check' -and $Step.type -ne 'command') { Set-CheckOutcome (Get-CheckResult $Step); return }
    switch -Regex ($what) {
      '^(app:|config:script$|config:file$|check:command$)' {
        if ($Step.kind -eq 'app' -and (Test-Detection (Get-Field $P 'detect')) -eq 0) { $script:Skip = 'already installed (detection rule matched)'; return }
        Get-StepDownload $Step
        if ($what -eq 'config:file') {
          $target = [Environment]::ExpandEnvironmentVariables([string]$P.path)
          New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target) | Out-Null
          if ($script:File) { Copy-Item -Force -LiteralPath $script:File -Destination $target } else { Save-Text $target ([string](Get-Field $P 'content' '')) }
          Add-StepLog "wrote $target"
          return
        }
        if ($what -eq 'app:msix') { Install-ProvisionedAppx $script:File }
        else {
          $command = ([string]$Step.command).Replace('{file}', [string]$script:File)
          # 1618: another installation holds the MSI mutex; wait and run again (WINDOWS.md 4).
          for ($busy = 0; $busy -lt $script:BusyTries; $busy++) {
            $script:Rc = Invoke-StepCommand ([string]$Step.shell) $command $timeout
            if (-not (Test-CodeIn $script:Rc @(1618)) -or $script:TimedOut) { break }
            Add-StepLog "another installation is running (exit code $($script:Rc), 1618); waiting"
            Start-Sleep -Seconds ($script:BusyWait * ($busy + 1))
          }
        }
        if ($what -eq 'check:command') {
          $want = Get-Field $P 'expectedOutput'
          $got = [string](@(Get-StepLogLines | Where-Object { $_ -ne '' }) | Select-Object -Last 1)
          $got = $got.Trim()
          $codeOk = Test-CodeIn $script:Rc $ok
          $expected = "exit code $($ok -join ' or ')"
          $actual = if ($script:TimedOut) { "timed out after $timeout s" } else { "exit code $($script:Rc)" }
          if ($null -ne $want) { $expected += ", output `"$want`""; $actual += ", output `"$got`"" }
          $pass = $codeOk -and -not $script:TimedOut -and ($null -eq $want -or $got -ceq [string]$want)
          if ($pass) { $script:Rc = 0 }
          Set-CheckOutcome (New-CheckResult $expected $actual $pass)
          return
        }
        if ($script:TimedOut) { $script:Reason = "timed out after $timeout s"; return }
        if (Test-CodeIn $script:Rc $boot) { $script:Reboot = $true; return }
        if (Test-CodeIn $script:Rc $ok) {
          $script:Rc = 0
          if ($Step.kind -eq 'app' -and (Test-Detection (Get-Field $P 'detect')) -eq 1) { $script:Rc = 1; $script:Reason = 'installed, but the detection rule does not find it' }
          return
        }
        $script:Reason = "exit code $($script:Rc)"
      }
      '^config:registry$' { Set-RegistryStep $P }
      '^config:wifi$' { Set-WifiStep $P }
      '^config:power$' { Set-PowerStep $P }
      '^config:wallpaper$' {
        Get-StepDownload $Step
        Set-WallpaperStep $P $script:File ([string]$Step.download.name)
      }
      '^config:local-admin-password$' { Set-LocalAdminPassword ([string]$P.user) (Get-SecretName (Get-Field $P 'secret')) }
      '^config:domain-join$' { Join-StationDomain $P }
      default { $script:Skip = "$($Step.kind) $($Step.type) is not for Windows" }
    }
  } catch {
    $script:Rc = 1
    $script:Reason = [string]$_.Exception.Message
  }
}

# One attempt of step $Step: 0 done, 1 failed (retry), 2 failed for good.
function Invoke-StepAttempt($Step) {
  $script:Id = [string]$Step.id
  New-Item -ItemType Directory -Force -Path (Join-StatePath 'logs') | Out-Null
  $script:LogFile = Join-StatePath 'logs', "$($Step.id).$($script:Attempt).log"
  $script:LogSent = 0
  if (Test-Path -LiteralPath $script:LogFile) { $script:LogSent = @(Get-StepLogLines).Count } else { [IO.File]::WriteAllText($script:LogFile, '') }
  $stepFile = Join-StatePath 'steps', $script:Id
  Save-Text $stepFile "running $($script:Attempt)"
  Add-Report @{ type = 'step-started'; stepId = $script:Id; attempt = $script:Attempt }
  [void](Send-Queue)
  Invoke-Step $Step
  Send-NewLog
  $tail = @(Get-LogTail)
  if ($script:Skip) {
    Add-Report @{ type = 'step-skipped'; stepId = $script:Id; attempt = $script:Attempt; reason = $script:Skip }
    Save-Text $stepFile 'done'
  } elseif ($script:Rc -eq 0 -or $script:Reboot) {
    $r = @{ type = 'step-succeeded'; stepId = $script:Id; attempt = $script:Attempt; exitCode = $script:Rc; logTail = $tail }
    if ($script:Reboot) { $r.reboot = $true }
    if ($null -ne $script:Check) { $r.check = $script:Check }
    Add-Report $r
    Save-Text $stepFile 'done'
    if ($script:File) { Remove-Item -LiteralPath $script:File -ErrorAction SilentlyContinue }
  } else {
    $reason = if ($script:Reason) { $script:Reason } else { 'failed' }
    $r = @{ type = 'step-failed'; stepId = $script:Id; attempt = $script:Attempt; exitCode = $script:Rc; reason = $reason; logTail = $tail }
    if ($null -ne $script:Check) { $r.check = $script:Check }
    Add-Report $r
    Save-Text $stepFile "failed $($script:Attempt)"
    [void](Send-Queue)
    if ($script:Attempt -lt ([int]$Step.retries + 1)) { return 1 }
    return 2
  }
  [void](Send-Queue)
  if ($script:Reboot) {
    Write-AgentLog "step $($Step.id) asks for a reboot (exit $($script:Rc))"
    while ((Send-Queue) -eq 1) { Start-Sleep -Seconds 5 }
    Save-Text (Join-StatePath 'rebooting') ''
    Invoke-ShellLine $RebootCmd
    # The machine is going down; never start the next step before it does.
    Stop-Agent
  }
  return 0
}

# Runs every step that is not finished, in order. 0: all done; 2: a step failed for good.
function Invoke-Plan {
  foreach ($step in @($script:Plan.steps)) {
    $st = Get-StepStatus $step.id
    $stepFile = Join-StatePath 'steps', ([string]$step.id)
    $local = if (Test-Path -LiteralPath $stepFile) { (Read-Text $stepFile).Trim() } else { '' }
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
      Start-Sleep -Milliseconds ([int]($RetryDelay * 1000))
      $script:Attempt++
    }
  }
  return 0
}
