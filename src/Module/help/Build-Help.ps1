<#
.SYNOPSIS
    Generates the module's MAML help (en-US/MiniDocker.PowerShell.dll-Help.xml) from one
    src/Module/help/<Cmdlet>.psd1 per cmdlet and from the built module itself.
.DESCRIPTION
    The .psd1 files hold only what a person writes: synopsis, description, parameter texts,
    examples, notes, links. Everything the code already knows — parameter sets, types, positions,
    mandatory, pipeline input, wildcards, defaults, output types — is read from the imported
    module, so the help cannot drift from the code. _Shared.psd1 holds parameter texts used by
    many cmdlets (-Name/-Id/-InputObject of the ContainerCmdlet base, -WhatIf/-Confirm); a
    cmdlet's own file overrides them.

    Gaps are never silent: a cmdlet without a help file, a parameter without a text, or a help
    file for a cmdlet/parameter that does not exist is reported as a warning here, and the xunit
    tests (tests/unit/HelpTests.cs) fail naming it. The generator itself still writes what it can,
    so a work-in-progress cmdlet does not break the build.

    Run it in a fresh pwsh (build.ps1 does), so the build's own session never loads the module.
.EXAMPLE
    pwsh -NoProfile -File src/Module/help/Build-Help.ps1 -ModulePath out/MiniDocker/MiniDocker.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [string]$SourcePath = $PSScriptRoot,
    # Default: <module folder>/en-US/<root module>-Help.xml
    [string]$OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module (Resolve-Path $ModulePath).Path -PassThru -Force
if (-not $OutputPath) { $OutputPath = Join-Path $module.ModuleBase "en-US/$([IO.Path]::GetFileName($module.Path))-Help.xml" }

$common = [System.Management.Automation.Cmdlet]::CommonParameters + 'UseTransaction'
$shared = Import-PowerShellDataFile (Join-Path $SourcePath '_Shared.psd1')
$problems = [Collections.Generic.List[string]]::new()

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$doc = [Xml.XmlDocument]::new()
$doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null)) | Out-Null
$root = $doc.AppendChild($doc.CreateElement('helpItems', 'http://msh'))
$root.SetAttribute('schema', 'maml')

function Add-Element([Xml.XmlNode]$Parent, [string]$QName, [string]$Text) {
    $prefix, $local = $QName.Split(':')
    $e = $Parent.AppendChild($doc.CreateElement($prefix, $local, $ns[$prefix]))
    if ($PSBoundParameters.ContainsKey('Text')) { $e.InnerText = $Text }
    $e
}

# Paragraphs are separated by blank lines; lines inside a paragraph are joined, so sources can wrap freely.
function Add-Paragraphs([Xml.XmlNode]$Parent, [string]$Text) {
    $paras = @(($Text -replace "`r", '').Trim() -split "\n\s*\n" | ForEach-Object { ($_ -split "\n" | ForEach-Object Trim) -join ' ' })
    if (-not $Text) { Add-Element $Parent 'maml:para' '' | Out-Null; return }
    foreach ($p in $paras) { Add-Element $Parent 'maml:para' $p | Out-Null }
}

function Get-TypeName([type]$Type) {
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    $inner = [Nullable]::GetUnderlyingType($Type)
    if ($inner) { return Get-TypeName $inner }
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.Namespace -eq 'System') { return $Type.Name }
    $Type.FullName
}

function Get-PipelineInput($p) {
    $how = @(if ($p.ValueFromPipelineByPropertyName) { 'ByPropertyName' }; if ($p.ValueFromPipeline) { 'ByValue' })
    if ($how) { "True ($($how -join ', '))" } else { 'False' }
}

# The default a parameter has when not given: from a fresh instance of the cmdlet class.
function Get-DefaultValue($instance, $p, $entry) {
    if ($entry -is [hashtable] -and $entry.ContainsKey('Default')) { return [string]$entry.Default }
    if ($p.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $prop = $instance.GetType().GetProperty($p.Name)
    if (-not $prop) { return 'None' }
    $v = $prop.GetValue($instance)
    if ($null -eq $v -or ($v -is [string] -and $v -eq '') -or ($v -is [Array] -and $v.Count -eq 0)) { return 'None' }
    [string]$v
}

function Get-ParameterText([string]$Cmdlet, [hashtable]$Own, [string]$Name) {
    $entry = if ($Own.ContainsKey($Name)) { $Own[$Name] } elseif ($shared.Parameters.ContainsKey($Name)) { $shared.Parameters[$Name] } else { $null }
    $text = if ($entry -is [hashtable]) { $entry.Description } else { $entry }
    if (-not $text) { $problems.Add("${Cmdlet}: parameter -$Name has no description") }
    $entry, [string]$text
}

function Add-Parameter([Xml.XmlNode]$Parent, $cmd, $p, [int]$Position, [string]$Text, [string]$Default, [bool]$Mandatory) {
    $e = Add-Element $Parent 'command:parameter'
    $e.SetAttribute('required', "$Mandatory".ToLower())
    $e.SetAttribute('variableLength', "$($p.ParameterType.IsArray)".ToLower())
    $globbing = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $e.SetAttribute('globbing', "$globbing".ToLower())
    $e.SetAttribute('pipelineInput', (Get-PipelineInput $p))
    $e.SetAttribute('position', $(if ($Position -ge 0) { "$Position" } else { 'named' }))
    $e.SetAttribute('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
    Add-Element $e 'maml:name' $p.Name | Out-Null
    Add-Paragraphs (Add-Element $e 'maml:description') $Text
    $type = Get-TypeName $p.ParameterType
    if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
        $v = Add-Element $e 'command:parameterValue' $type
        $v.SetAttribute('required', 'true')
        $v.SetAttribute('variableLength', "$($p.ParameterType.IsArray)".ToLower())
    }
    $t = Add-Element $e 'dev:type'
    Add-Element $t 'maml:name' $type | Out-Null
    Add-Element $e 'dev:defaultValue' $Default | Out-Null
    $validateSet = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    $enumType = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType
    if ($enumType.IsArray) { $enumType = $enumType.GetElementType() }
    $values = if ($validateSet) { $validateSet.ValidValues } elseif ($enumType.IsEnum) { [Enum]::GetNames($enumType) }
    if ($values) {
        $pv = Add-Element $e 'command:parameterValueGroup'
        foreach ($value in $values) {
            $x = Add-Element $pv 'command:parameterValue' $value
            $x.SetAttribute('required', 'false'); $x.SetAttribute('variableLength', 'false')
        }
    }
}

$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$sources = @{}
foreach ($f in Get-ChildItem $SourcePath -Filter '*.psd1' | Where-Object Name -NE '_Shared.psd1') { $sources[$f.BaseName] = $f.FullName }
foreach ($orphan in $sources.Keys | Where-Object { $_ -notin $cmdlets.Name }) { $problems.Add("${orphan}.psd1: no such cmdlet in the module") }

foreach ($cmd in $cmdlets) {
    $src = if ($sources.ContainsKey($cmd.Name)) { Import-PowerShellDataFile $sources[$cmd.Name] } else { $problems.Add("$($cmd.Name): no help file $($cmd.Name).psd1 in src/Module/help"); @{} }
    $own = if ($src.ContainsKey('Parameters')) { $src.Parameters } else { @{} }
    $instance = [Activator]::CreateInstance($cmd.ImplementingType)
    $params = @($cmd.ParameterSets.Parameters | Where-Object Name -NotIn $common | Sort-Object Name -Unique)
    foreach ($stale in $own.Keys | Where-Object { $_ -notin $params.Name }) { $problems.Add("$($cmd.Name): help describes -$stale, which the cmdlet does not have") }
    foreach ($key in 'Synopsis', 'Description') { if (-not $src[$key]) { $problems.Add("$($cmd.Name): no $key") } }
    if (-not $src['Examples']) { $problems.Add("$($cmd.Name): no example") }

    $c = Add-Element $root 'command:command'
    foreach ($k in $ns.Keys) { $c.SetAttribute("xmlns:$k", $ns[$k]) }
    $details = Add-Element $c 'command:details'
    Add-Element $details 'command:name' $cmd.Name | Out-Null
    Add-Element $details 'command:verb' $cmd.Verb | Out-Null
    Add-Element $details 'command:noun' $cmd.Noun | Out-Null
    Add-Paragraphs (Add-Element $details 'maml:description') ([string]$src['Synopsis'])
    Add-Paragraphs (Add-Element $c 'maml:description') ([string]$src['Description'])

    # Syntax: one item per parameter set, positional first, then mandatory, then the rest.
    $syntax = Add-Element $c 'command:syntax'
    foreach ($set in $cmd.ParameterSets | Sort-Object { -not $_.IsDefault }, Name) {
        $item = Add-Element $syntax 'command:syntaxItem'
        Add-Element $item 'maml:name' $cmd.Name | Out-Null
        $ordered = $set.Parameters | Where-Object Name -NotIn $common |
            Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }
        foreach ($p in $ordered) {
            $entry, $text = Get-ParameterText $cmd.Name $own $p.Name
            Add-Parameter $item $cmd $p $p.Position $text (Get-DefaultValue $instance $p $entry) $p.IsMandatory
        }
    }

    # Parameters: each once, described as in the default set (or the first set that has it).
    $section = Add-Element $c 'command:parameters'
    foreach ($name in @($params | ForEach-Object Name)) {   # a cmdlet may have no parameters of its own
        $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault } | Where-Object { $_.Parameters.Name -contains $name })
        $p = $sets[0].Parameters | Where-Object Name -EQ $name
        $entry, $text = Get-ParameterText $cmd.Name $own $name
        if ($sets.Count -lt $cmd.ParameterSets.Count) { $text += "`n`nParameter sets: $($sets.Name -join ', ')." }
        Add-Parameter $section $cmd $p $p.Position $text (Get-DefaultValue $instance $p $entry) $p.IsMandatory
    }

    # Inputs: what binds from the pipeline (by value: the type; by property name: the property).
    $inputs = Add-Element $c 'command:inputTypes'
    $declaredInputs = if ($src.ContainsKey('Inputs')) { $src.Inputs } else { @{} }
    $byValue = @($params | Where-Object ValueFromPipeline)
    $byName = @($params | Where-Object ValueFromPipelineByPropertyName)
    $derived = [ordered]@{}
    foreach ($p in $byValue) { $derived[(Get-TypeName $p.ParameterType).TrimEnd('[]')] = "Bound to -$($p.Name)." }
    if ($byName) { $derived['System.Management.Automation.PSObject'] = "Any object with a property named $(($byName.Name | ForEach-Object { "'$_'" }) -join ' or '), bound by property name." }
    if (-not $derived.Count) { $derived['None'] = 'This cmdlet takes no pipeline input.' }
    foreach ($k in $declaredInputs.Keys) { $derived[$k] = $declaredInputs[$k] }
    foreach ($k in $derived.Keys) {
        $it = Add-Element $inputs 'command:inputType'
        Add-Element (Add-Element $it 'dev:type') 'maml:name' $k | Out-Null
        Add-Paragraphs (Add-Element $it 'maml:description') $derived[$k]
    }

    # Outputs: the [OutputType] types, with the help file's text where it has one.
    $outputs = Add-Element $c 'command:returnValues'
    $declaredOutputs = if ($src.ContainsKey('Outputs')) { $src.Outputs } else { @{} }
    $types = [ordered]@{}
    foreach ($t in $cmd.OutputType) { $types[$t.Name] = '' }
    foreach ($k in $declaredOutputs.Keys) { $types[$k] = $declaredOutputs[$k] }
    if (-not $types.Count) { $types['None'] = 'This cmdlet writes no objects.' }
    foreach ($k in $types.Keys) {
        $rv = Add-Element $outputs 'command:returnValue'
        Add-Element (Add-Element $rv 'dev:type') 'maml:name' $k | Out-Null
        Add-Paragraphs (Add-Element $rv 'maml:description') $types[$k]
    }

    if ($src['Notes']) { Add-Paragraphs (Add-Element (Add-Element $c 'maml:alertSet') 'maml:alert') $src.Notes }

    $examples = Add-Element $c 'command:examples'
    $n = 0
    foreach ($ex in @($src['Examples'] | Where-Object { $_ })) {
        $n++
        foreach ($key in 'Title', 'Code', 'Remarks') { if (-not $ex[$key]) { $problems.Add("$($cmd.Name): example $n has no $key") } }
        $e = Add-Element $examples 'command:example'
        Add-Element $e 'maml:title' "---------- Example ${n}: $($ex.Title) ----------" | Out-Null
        Add-Element $e 'dev:code' ([string]$ex.Code).Trim() | Out-Null
        Add-Paragraphs (Add-Element $e 'dev:remarks') ([string]$ex.Remarks)
    }

    $links = Add-Element $c 'command:relatedLinks'
    foreach ($l in @($src['RelatedLinks'] | Where-Object { $_ })) {
        $nl = Add-Element $links 'maml:navigationLink'
        $isUri = $l -match '^https?://'
        Add-Element $nl 'maml:linkText' $(if ($isUri) { '' } else { $l }) | Out-Null
        Add-Element $nl 'maml:uri' $(if ($isUri) { $l } else { '' }) | Out-Null
    }
}

New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$writer = [Xml.XmlWriter]::Create($OutputPath, $settings)
try { $doc.Save($writer) } finally { $writer.Dispose() }

foreach ($p in $problems | Sort-Object -Unique) { Write-Warning "help: $p" }
Write-Host "help: $($cmdlets.Count) cmdlets -> $OutputPath$(if ($problems.Count) { " ($(@($problems | Sort-Object -Unique).Count) problems; the unit tests will fail on them)" })"
