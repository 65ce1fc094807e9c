using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>docker system prune: removes every stopped container and, with -Image, every image no container uses.</summary>
    [Cmdlet(VerbsCommon.Clear, "MiniSystem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [Alias("Prune-MiniSystem")]
    [OutputType(typeof(Container), typeof(Image))]
    public sealed class ClearMiniSystemCommand : MiniDockerCmdlet
    {
        /// <summary>Also remove every image that no container (of any state) uses.</summary>
        [Parameter]
        public SwitchParameter Image { get; set; }

        /// <summary>Also remove containers that were created and never started.</summary>
        [Parameter]
        public SwitchParameter IncludeCreated { get; set; }

        /// <summary>Write what was removed to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            MiniDocker.Engine.ContainerEngine.PruneResult? result = null;
            Try(() => result = Engine.Prune(IncludeCreated, Image,
                o => ShouldProcess(o is Container c ? $"container {c.Name}" : $"image {o}", "Remove"),
                e => WriteError(ToErrorRecord(e))));
            if (result == null || !PassThru) return;
            WriteObject(result.Containers, enumerateCollection: true);
            WriteObject(result.Images, enumerateCollection: true);
        }
    }
}
