# Finds what Windows PowerShell 5.1 cannot run, or runs differently, in scripts that CI only
# runs under PowerShell 7: PowerShell's own parser (System.Management.Automation.Language),
# tokens and AST nodes that 5.1 lacks, PS6+ parameters and variables, and cmdlets whose
# default encoding differs (ANSI in 5.1, UTF-8 in 7). Prints a JSON array of findings
# { file, line, what }. Used by test/unit/main/agent/scripts/ps51-syntax.test.ts.
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Path)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$badTokens = @{
  QuestionDot = '?. (null-conditional member access, PS 7.1)'
  QuestionLBracket = '?[ (null-conditional index, PS 7.1)'
  QuestionQuestion = '?? (null coalescing, PS 7.0)'
  QuestionQuestionEquals = '??= (null-coalescing assignment, PS 7.0)'
  AndAnd = '&& (pipeline chain, PS 7.0)'
  OrOr = '|| (pipeline chain, PS 7.0)'
}
$badAsts = @{
  TernaryExpressionAst = 'a ? b : c (ternary, PS 7.0)'
  PipelineChainAst = '&& / || (pipeline chain, PS 7.0)'
}
# command -> parameters that 5.1 does not have
$badParams = @{
  'ForEach-Object' = @('Parallel', 'ThrottleLimit', 'AsJob')
  'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate')
  'ConvertTo-Json' = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
  'Invoke-WebRequest' = @('SkipHttpErrorCheck', 'SkipCertificateCheck', 'StatusCodeVariable', 'Resume', 'Authentication', 'Token', 'SslProtocol', 'MaximumRetryCount', 'RetryIntervalSec')
  'Invoke-RestMethod' = @('SkipHttpErrorCheck', 'SkipCertificateCheck', 'StatusCodeVariable', 'Resume', 'Authentication', 'Token', 'SslProtocol', 'MaximumRetryCount', 'RetryIntervalSec')
  'Get-Content' = @('AsByteStream')
  'Set-Content' = @('AsByteStream')
  'Add-Content' = @('AsByteStream')
  'Join-Path' = @('AdditionalChildPath')
  'Select-String' = @('Raw', 'NoEmphasis')
  'Get-ChildItem' = @('FollowSymlink')
  'Remove-Item' = @()
  'Test-Path' = @()
}
$ps7Commands = @('Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Show-Markdown', 'Join-String', 'Get-Uptime', 'Remove-Alias', 'Clear-RecycleBin', 'Get-PSHostProcessInfo', 'Import-PowerShellDataFile')
$ps7Variables = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle', 'EnabledExperimentalFeatures')
# Default encoding: ANSI (or UTF-16 for Out-File) in 5.1, UTF-8 without BOM in 7.
$needEncoding = @('Set-Content', 'Add-Content', 'Out-File', 'Export-Csv')
$ps7Encodings = @('utf8NoBOM', 'utf8BOM', 'ansi')

$findings = New-Object Collections.Generic.List[object]
function Add-Finding($File, $Line, [string]$What) { $findings.Add([ordered]@{ file = [IO.Path]::GetFileName($File); line = $Line; what = $What }) }

foreach ($file in $Path) {
  $tokens = $null; $errors = $null
  $ast = [Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $file).Path, [ref]$tokens, [ref]$errors)
  foreach ($e in $errors) { Add-Finding $file $e.Extent.StartLineNumber "parse error: $($e.Message)" }
  foreach ($t in $tokens) {
    $k = [string]$t.Kind
    if ($badTokens.ContainsKey($k)) { Add-Finding $file $t.Extent.StartLineNumber $badTokens[$k] }
  }
  $all = $ast.FindAll({ $true }, $true)
  foreach ($n in $all) {
    $type = $n.GetType().Name
    if ($badAsts.ContainsKey($type)) { Add-Finding $file $n.Extent.StartLineNumber $badAsts[$type] }
    if ($type -eq 'ScriptBlockAst' -and $null -ne $n.PSObject.Properties['CleanBlock'] -and $null -ne $n.CleanBlock) { Add-Finding $file $n.Extent.StartLineNumber 'clean { } block (PS 7.3)' }
    if ($type -eq 'VariableExpressionAst' -and $ps7Variables -contains $n.VariablePath.UserPath) { Add-Finding $file $n.Extent.StartLineNumber "`$$($n.VariablePath.UserPath) does not exist in 5.1" }
    if ($type -ne 'CommandAst') { continue }
    $name = $n.GetCommandName()
    if (-not $name) { continue }
    $params = @($n.CommandElements | Where-Object { $_ -is [Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
    if ($ps7Commands -contains $name) { Add-Finding $file $n.Extent.StartLineNumber "$name does not exist in 5.1" }
    if ($badParams.ContainsKey($name)) {
      foreach ($p in $params) { if ($badParams[$name] -contains $p) { Add-Finding $file $n.Extent.StartLineNumber "$name -$p does not exist in 5.1" } }
    }
    if (($name -eq 'Invoke-WebRequest' -or $name -eq 'Invoke-RestMethod') -and $params -notcontains 'UseBasicParsing') {
      Add-Finding $file $n.Extent.StartLineNumber "$name without -UseBasicParsing (5.1 uses Internet Explorer's engine and can hang as SYSTEM)"
    }
    if ($needEncoding -contains $name -and $params -notcontains 'Encoding' -and $params -notcontains 'AsByteStream') {
      Add-Finding $file $n.Extent.StartLineNumber "$name without -Encoding (ANSI in 5.1, UTF-8 in 7)"
    }
    for ($i = 0; $i -lt $n.CommandElements.Count - 1; $i++) {
      $el = $n.CommandElements[$i]
      if ($el -is [Management.Automation.Language.CommandParameterAst] -and $el.ParameterName -eq 'Encoding') {
        $v = [string]$n.CommandElements[$i + 1]
        if ($ps7Encodings -contains $v.Trim("'", '"')) { Add-Finding $file $n.Extent.StartLineNumber "-Encoding $v does not exist in 5.1" }
      }
    }
  }
}
ConvertTo-Json -InputObject @($findings.ToArray()) -Depth 3 -Compress
