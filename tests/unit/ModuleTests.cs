using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The PowerShell surface of the built module: help, verbs, pipeline binding, ShouldProcess, formats.</summary>
    [Collection(nameof(BuiltModule))]
    public class ModuleTests
    {
        private static BuiltModule M => BuiltModule.Instance;

        /// <summary>Verbs that only read or wait, or that run a command in a container like Invoke-Command: no -WhatIf.</summary>
        private static readonly HashSet<string> ReadOnlyVerbs = new(StringComparer.OrdinalIgnoreCase) { "Get", "Wait", "Test", "Find", "Measure", "Watch", "Enter", "Invoke" };

        public static IEnumerable<object[]> AllCmdlets => BuiltModule.CmdletRows();
        public static IEnumerable<object[]> ContainerCmdlets => BuiltModule.CmdletRows(c => c.Noun.StartsWith("MiniContainer") && c.Verb != "New");
        public static IEnumerable<object[]> StateChangingCmdlets => BuiltModule.CmdletRows(c => !ReadOnlyVerbs.Contains(c.Verb));

        [Theory]
        [MemberData(nameof(AllCmdlets))]
        public void Every_cmdlet_has_help_with_synopsis_description_parameters_and_examples(string cmdlet)
        {
            // Problems as text, so a failure names the cmdlet and what to write in src/Module/help/<cmdlet>.psd1.
            var problems = M.Invoke(@"
                param($Name)
                $h = Get-Help -Name $Name -Full
                $common = [System.Management.Automation.Cmdlet]::CommonParameters
                if (-not ($h.description.Text -join '').Trim()) { 'no description (is there a src/Module/help/' + $Name + '.psd1?)' }
                if (-not $h.Synopsis -or $h.Synopsis.Trim().StartsWith($Name)) { 'no synopsis' }
                $examples = @($h.examples.example | Where-Object { $_ })
                if ($examples.Count -eq 0) { 'no example' }
                foreach ($e in $examples) { if (-not $e.code -or -not ($e.remarks.Text -join '').Trim()) { 'an example without code or remarks: ' + $e.title } }
                $documented = @{}
                foreach ($p in @($h.parameters.parameter | Where-Object { $_ })) { $documented[$p.name] = ($p.description.Text -join '').Trim() }
                foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
                    if (-not $documented[$p]) { ""parameter -$p is not described"" }
                }", cmdlet).Select(o => o.ToString()).ToList();
            Assert.True(problems.Count == 0, $"{cmdlet} help: {string.Join("; ", problems)}");
        }

        [Fact]
        public void Help_sources_describe_only_cmdlets_and_parameters_that_exist()
        {
            var problems = new List<string>();
            string helpDir = Path.Combine(BuiltModule.RepoRoot, "src", "Module", "help");
            foreach (var file in Directory.GetFiles(helpDir, "*.psd1").Where(f => !Path.GetFileName(f).StartsWith("_")))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                var cmdlet = M.Cmdlets.FirstOrDefault(c => c.Name == name);
                if (cmdlet == null) { problems.Add($"{name}.psd1: no such exported cmdlet"); continue; }
                var described = M.Invoke("$d = Import-PowerShellDataFile $args[0]; if ($d.Parameters) { $d.Parameters.Keys }", file).Select(o => o.ToString()!);
                problems.AddRange(described.Where(p => !cmdlet.Parameters.ContainsKey(p)).Select(p => $"{name}.psd1 describes -{p}, which {name} does not have"));
            }
            Assert.True(problems.Count == 0, string.Join("; ", problems));
        }

        [Fact]
        public void Get_Help_shows_examples_and_a_single_parameter_as_text()
        {
            string examples = string.Join("\n", M.Invoke("Get-Help New-MiniContainer -Examples | Out-String -Width 200"));
            Assert.Contains("Example 1:", examples);
            Assert.Contains("New-MiniContainer ./out/rootfs", examples);
            string parameter = string.Join("\n", M.Invoke("Get-Help Stop-MiniContainer -Parameter Timeout | Out-String -Width 200"));
            Assert.Contains("SIGTERM", parameter);
            Assert.Matches(@"Default value\s+10", parameter);
        }

        [Theory]
        [MemberData(nameof(AllCmdlets))]
        public void Every_cmdlet_uses_an_approved_verb_and_the_Mini_noun_prefix(string cmdlet)
        {
            var info = M.Cmdlet(cmdlet);
            var approved = M.Invoke("(Get-Verb).Verb").Select(o => o.ToString()).ToHashSet();
            Assert.Contains(info.Verb, approved);
            Assert.StartsWith("Mini", info.Noun);
        }

        [Fact]
        public void The_manifest_exports_exactly_the_cmdlets_the_dll_defines()
        {
            var defined = M.Invoke(@"
                foreach ($t in (Get-Module MiniDocker).ImplementingAssembly.GetTypes()) {
                    foreach ($a in $t.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) { $a.VerbName + '-' + $a.NounName }
                }")
                .Select(o => o.ToString()).OrderBy(n => n);
            Assert.Equal(defined, M.Cmdlets.Select(c => c.Name).OrderBy(n => n));
        }

        [Theory]
        [MemberData(nameof(ContainerCmdlets))]
        public void Container_cmdlets_take_Name_Id_or_InputObject_from_the_pipeline(string cmdlet)
        {
            var p = M.Cmdlet(cmdlet).Parameters;
            Assert.True(p.ContainsKey("Name") && p.ContainsKey("Id") && p.ContainsKey("InputObject"), $"{cmdlet} lacks -Name/-Id/-InputObject (derive it from ContainerCmdlet)");
            Assert.Equal(typeof(string[]), p["Name"].ParameterType);
            Assert.Contains(p["Name"].Attributes, a => a is SupportsWildcardsAttribute);
            Assert.Contains(p["Name"].ParameterSets.Values, s => s.ValueFromPipelineByPropertyName);
            Assert.Contains(p["Id"].ParameterSets.Values, s => s.ValueFromPipelineByPropertyName);
            Assert.Equal(typeof(Container[]), p["InputObject"].ParameterType);
            Assert.Contains(p["InputObject"].ParameterSets.Values, s => s.ValueFromPipeline);
        }

        [Theory]
        [MemberData(nameof(StateChangingCmdlets))]
        public void State_changing_cmdlets_support_WhatIf_and_Confirm(string cmdlet)
        {
            var info = M.Cmdlet(cmdlet);
            var attribute = (CmdletAttribute)info.ImplementingType.GetCustomAttributes(typeof(CmdletAttribute), false).Single();
            Assert.True(attribute.SupportsShouldProcess, $"{cmdlet} changes state but has no SupportsShouldProcess (or add its verb to ReadOnlyVerbs if it does not)");
            Assert.True(info.Parameters.ContainsKey("WhatIf") && info.Parameters.ContainsKey("Confirm"));
        }

        [Fact]
        public void Containers_show_as_a_table_like_docker_ps()
        {
            var lines = M.Invoke(@"
                $c = [MiniDocker.Container]@{ Id = 'a' * 64; Name = 'web-1'; State = 'Exited'; ExitCode = 3; Command = 'sh', '-c', 'exit 3';
                                            Created = [DateTime]::UtcNow; FinishedAt = [DateTime]::UtcNow.AddSeconds(-5) }
                $c | Out-String -Width 200 -Stream | Where-Object { $_.Trim() }").Select(o => o.ToString()!).ToList();
            Assert.Matches(@"^Id\s+Name\s+State\s+Status\s+Command\s+Created", lines[0].TrimStart());
            Assert.Contains(lines, l => l.Contains("aaaaaaaaaaaa web-1") && l.Contains("Exited (3)") && l.Contains("sh -c exit 3"));
            Assert.DoesNotContain(lines, l => l.Contains(new string('a', 13)));
        }

        [Fact]
        public void Created_containers_flow_through_Get_Where_Remove_by_pipeline()
        {
            using var rootfs = new TempDirectory();
            rootfs.File("bin/true", "#!/bin/true", UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var left = M.Invoke(@"
                param($rootfs)
                $a = New-MiniContainer $rootfs true -Name unit-a
                New-MiniContainer $rootfs /bin/true -Name unit-b | Out-Null
                [pscustomobject]@{ Name = 'unit-b' } | Get-MiniContainer | Remove-MiniContainer -WhatIf
                Get-MiniContainer -Name unit-* | Where-Object Name -eq 'unit-a' | Remove-MiniContainer
                Get-MiniContainer -Id $a.Id.Substring(0, 8) -ErrorAction SilentlyContinue
                (Get-MiniContainer -Name unit-*).Name
                Get-MiniContainer | Remove-MiniContainer", rootfs.Path);
            Assert.Equal(new[] { "unit-b" }, left.Select(o => o.ToString()));
        }
    }

    [CollectionDefinition(nameof(BuiltModule), DisableParallelization = true)]
    public class BuiltModuleCollection { }
}
