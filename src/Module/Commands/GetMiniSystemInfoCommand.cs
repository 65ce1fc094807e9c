using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>docker info and docker version in one object: cgroups, kernel, module version, helper, roots, counts.</summary>
    [Cmdlet(VerbsCommon.Get, "MiniSystemInfo")]
    [OutputType("MiniDocker.SystemInfo")]
    public sealed class GetMiniSystemInfoCommand : MiniDockerCmdlet
    {
        protected override void EndProcessing()
        {
            MiniDocker.Engine.SystemInfo? info = null;
            if (!Try(() => info = Engine.Info())) return;
            var o = new PSObject();
            o.TypeNames.Insert(0, "MiniDocker.SystemInfo");
            o.Properties.Add(new PSNoteProperty("ModuleVersion", MyInvocation.MyCommand.Module?.Version?.ToString() ?? typeof(GetMiniSystemInfoCommand).Assembly.GetName().Version?.ToString()));
            foreach (var p in typeof(MiniDocker.Engine.SystemInfo).GetProperties())
                if (p.Name != nameof(MiniDocker.Engine.SystemInfo.Rootless)) o.Properties.Add(new PSNoteProperty(p.Name, p.GetValue(info)));
            // Mode (root or rootless) and what rootless mode finds, flat like the rest.
            foreach (var p in typeof(MiniDocker.Engine.Rootless.RootlessProbe).GetProperties())
                o.Properties.Add(new PSNoteProperty(p.Name, p.GetValue(info!.Rootless)));
            WriteObject(o);
        }
    }
}
