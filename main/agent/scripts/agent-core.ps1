# PrepStation Windows agent, part 1 of 4: helpers, HTTP, the report queue, the plan.
# Dot-sourced by agent.ps1 (and inlined by the station when it serves agent.ps1). Runs the
# same under Windows PowerShell 5.1 and PowerShell 7 (Linux CI): no PS7-only syntax, and
# every file written with an explicit encoding (5.1 defaults to ANSI, 7 to UTF-8).
# Keep this file ASCII: PowerShell 5.1 reads a script without a BOM in the ANSI code page.

# ---- small helpers -------------------------------------------------------------------

function Write-AgentLog([string]$Message) {
  $line = '{0} {1}' -f (Get-Date -Format 's'), $Message
  try { [IO.File]::AppendAllText((Join-StatePath 'agent.log'), "$line`r`n", $script:Utf8) } catch { [void]$_ }
  [Console]::Error.WriteLine("prepstation-agent: $Message")
}

function ConvertTo-AgentJson($Value) { ConvertTo-Json -InputObject $Value -Depth 8 -Compress }

# A field of a plan object, or $Default when it is absent: under Set-StrictMode reading a
# property that the JSON did not carry is an error, and plan params are optional.
function Get-Field($Object, [string]$Name, $Default = $null) {
  if ($null -eq $Object) { return $Default }
  if ($Object -is [Collections.IDictionary]) {
    if ($Object.Contains($Name) -and $null -ne $Object[$Name]) { return $Object[$Name] }
    return $Default
  }
  $p = $Object.PSObject.Properties[$Name]
  if ($null -eq $p -or $null -eq $p.Value) { return $Default }
  return $p.Value
}

# A path in the state dir. [IO.Path]::Combine, not 'dir\file': on Linux (CI) a backslash is
# part of a file name, and .NET file APIs do not translate it as PowerShell cmdlets do.
function Join-StatePath([string[]]$Parts) { [IO.Path]::Combine([string[]](@($StateDir) + $Parts)) }

function Save-Text([string]$Path, [string]$Text) {
  # Write then rename: a power cut leaves the old file or the new one, never half of one.
  [IO.File]::WriteAllText("$Path.tmp", $Text, $script:Utf8)
  Move-Item -Force -LiteralPath "$Path.tmp" -Destination $Path
}

function Read-Text([string]$Path) { [IO.File]::ReadAllText($Path, $script:Utf8) }

# Appends lines to the step's log (UTF-8, whatever the PowerShell version's default).
function Add-StepLog([string[]]$Lines) {
  if ($null -eq $Lines -or $Lines.Count -eq 0) { return }
  [IO.File]::AppendAllText($script:LogFile, (($Lines -join "`n") + "`n"), $script:Utf8)
}

function Get-StepLogLines {
  if (-not $script:LogFile -or -not (Test-Path -LiteralPath $script:LogFile)) { return @() }
  $text = Read-Text $script:LogFile
  if ($text.Length -eq 0) { return @() }
  return @($text.TrimEnd("`n").Split("`n") | ForEach-Object { $_.TrimEnd("`r") })
}

# ---- HTTP ----------------------------------------------------------------------------

# Returns @{ Status = 200; Body = <object or $null> }; Status 0 when unreachable. Uses
# HttpWebRequest, the same in 5.1 and 7: the web cmdlets differ between them (5.1 needs
# basic parsing and throws WebException, 7 throws HttpResponseException).
function Invoke-Station([string]$Method, [string]$Path, [string]$Body) {
  $url = if ($Path -match '^https?://') { $Path } else { $Station + $Path }
  try {
    $req = [Net.HttpWebRequest]::Create($url)
    # The station is on the bench LAN: no proxy, and no WPAD lookup (seconds on 5.1).
    $req.Proxy = $null
    $req.Method = $Method
    $req.Timeout = 60000
    $req.ReadWriteTimeout = 60000
    $req.Headers.Add('Authorization', "Bearer $Token")
    if ($Method -eq 'POST') {
      $bytes = $script:Utf8.GetBytes($Body)
      $req.ContentType = 'application/json'
      $req.ContentLength = $bytes.Length
      $s = $req.GetRequestStream()
      try { $s.Write($bytes, 0, $bytes.Length) } finally { $s.Dispose() }
    }
    $resp = $req.GetResponse()
  } catch [Net.WebException] {
    $resp = $_.Exception.Response
    if ($null -eq $resp) { return @{ Status = 0; Body = $null } }
  } catch {
    return @{ Status = 0; Body = $null }
  }
  try {
    $reader = New-Object IO.StreamReader($resp.GetResponseStream(), $script:Utf8)
    $text = $reader.ReadToEnd()
    $status = [int]$resp.StatusCode
  } catch {
    return @{ Status = 0; Body = $null }
  } finally { $resp.Close() }
  $parsed = $null
  try { $parsed = $text | ConvertFrom-Json } catch { $parsed = $null }
  return @{ Status = $status; Body = $parsed }
}

# A secret the plan references, from GET /agent/v1/secrets/:name. Throws a technician's
# sentence on failure; the value itself never goes to a log or a report.
function Get-StationSecret([string]$Name) {
  $r = Invoke-Station 'GET' ('/agent/v1/secrets/' + [Uri]::EscapeDataString($Name)) ''
  if ($r.Status -eq 200) { return [string]$r.Body.value.value }
  $why = if ($r.Status -eq 0) { 'the station cannot be reached' } else {
    $e = Get-Field $r.Body 'error'
    "HTTP $($r.Status): $(Get-Field $e 'message' 'no message')"
  }
  throw "secret `"$Name`" not fetched ($why)"
}

# Downloads URL into File, resuming a partial file with a Range request. Throws with
# .Data['status'] set to the HTTP status when the station answered with an error.
# OnProgress (optional) gets the bytes on disk every 5 s, as agent.sh reports them.
function Get-Download([string]$Url, [string]$File, [scriptblock]$OnProgress = $null) {
  $have = 0
  if (Test-Path -LiteralPath $File) { $have = (Get-Item -LiteralPath $File).Length }
  $req = [Net.HttpWebRequest]::Create($Url)
  # The station directly; a profile's own URL (the internet) the way Windows is set up to.
  if ($Url.StartsWith($Station + '/')) { $req.Proxy = $null }
  $req.Timeout = 60000
  $req.ReadWriteTimeout = 300000
  if ($have -gt 0) { $req.AddRange([long]$have) }
  try { $resp = $req.GetResponse() } catch [Net.WebException] {
    $r = $_.Exception.Response
    $code = if ($null -ne $r) { [int]$r.StatusCode } else { 0 }
    if ($null -ne $r) { $r.Close() }
    # 416: the partial file is already whole (or longer than the file): start over.
    if ($code -eq 416) { Remove-Item -LiteralPath $File -ErrorAction SilentlyContinue }
    $ex = New-Object Exception("HTTP $code")
    $ex.Data['status'] = $code
    throw $ex
  }
  try {
    $mode = if ($have -gt 0 -and [int]$resp.StatusCode -eq 206) { 'Append' } else { 'Create' }
    $in = $resp.GetResponseStream()
    $out = New-Object IO.FileStream($File, [IO.FileMode]::$mode, [IO.FileAccess]::Write)
    try {
      $buf = New-Object byte[] 1048576
      $tick = Get-Date
      while (($n = $in.Read($buf, 0, $buf.Length)) -gt 0) {
        $out.Write($buf, 0, $n)
        if ($null -ne $OnProgress -and ((Get-Date) - $tick).TotalSeconds -ge 5) {
          $tick = Get-Date
          $out.Flush()
          & $OnProgress $out.Length
        }
      }
    } finally { $out.Dispose(); $in.Dispose() }
  } finally { $resp.Close() }
}

# ---- the report queue ------------------------------------------------------------------

# Numbers a report, writes it to the queue. Example: Add-Report @{ type = 'step-started'; ... }
function Add-Report([hashtable]$Report) {
  $script:Seq++
  Save-Text (Join-StatePath 'seq') ([string]$script:Seq)
  $Report.seq = $script:Seq
  Save-Text (Join-StatePath 'queue', ('{0:D10}.json' -f $script:Seq)) (ConvertTo-AgentJson $Report)
}

function Get-QueueFiles { @(Get-ChildItem -LiteralPath (Join-StatePath 'queue') -Filter '*.json' | Sort-Object Name) }

# Renumbers the queue from First on (the station's count is the truth after a 409).
function Reset-QueueNumbers([int]$First) {
  $next = $First
  foreach ($f in Get-QueueFiles) {
    $r = Read-Text $f.FullName | ConvertFrom-Json
    $r.seq = $next
    Remove-Item -LiteralPath $f.FullName
    Save-Text (Join-StatePath 'queue', ('{0:D10}.json' -f $next)) (ConvertTo-AgentJson $r)
    $next++
  }
  $script:Seq = $next - 1
  Save-Text (Join-StatePath 'seq') ([string]$script:Seq)
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
      $parts += (Read-Text $f.FullName); $sent += $f; $bytes += $f.Length
    }
    $r = Invoke-Station 'POST' '/agent/v1/reports' ('{"reports":[' + ($parts -join ',') + ']}')
    if ($r.Status -eq 200) {
      $last = [int]$r.Body.value.lastSeq
      foreach ($f in $sent) { if ([int]$f.BaseName -le $last) { Remove-Item -LiteralPath $f.FullName } }
      if ($r.Body.value.stop) { $script:Stop = $true }
    } elseif ($r.Status -eq 409) {
      Write-AgentLog 'station refused the reports in order (409); renumbering from its count'
      if ((Update-Plan -Quiet) -ne 0) { return 1 }
      Reset-QueueNumbers ([int]$script:Plan.lastSeq + 1)
    } elseif ($r.Status -eq 410 -or $r.Status -eq 401) {
      Write-AgentLog "station says this deployment is over ($($r.Status)): dropping the queue"
      Get-QueueFiles | Remove-Item
      $script:Stop = $true
      return 2
    } else {
      if ($r.Status -ne 0) { Write-AgentLog "reports not taken (HTTP $($r.Status)); kept for later" }
      return 1
    }
  }
}

# ---- the plan ------------------------------------------------------------------------

# Fetches the plan into plan.json; falls back to the last copy while the station is down.
function Update-Plan([switch]$Quiet) {
  $r = Invoke-Station 'GET' '/agent/v1/plan' ''
  if ($r.Status -eq 200) {
    $script:Plan = $r.Body.value
    Save-Text (Join-StatePath 'plan.json') (ConvertTo-AgentJson $r.Body.value)
    return 0
  }
  if ($r.Status -eq 410 -or $r.Status -eq 401) { $script:Stop = $true; return 2 }
  if (-not $Quiet) { Write-AgentLog "plan not fetched (HTTP $($r.Status))" }
  return 1
}

function Get-StepStatus([string]$Id) {
  $s = Get-Field (Get-Field $script:Plan 'status') $Id
  if ($null -eq $s) { return @{ status = ''; attempt = 0 } }
  return @{ status = [string]$s.status; attempt = [int]$s.attempt }
}
