using System.Linq;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Removes an image's name (and the image with its unshared layers once no name is left).</summary>
    [Cmdlet(VerbsCommon.Remove, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Name")]
    public sealed class RemoveMiniImageCommand : MiniDockerCmdlet
    {
        /// <summary>name[:tag] (wildcards allowed) or an id prefix.</summary>
        [Parameter(ParameterSetName = "Name", Mandatory = true, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter(ParameterSetName = "InputObject", Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public Image[]? InputObject { get; set; }

        /// <summary>Remove the image even while containers use it (their layers stay until they are removed).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var image in Resolve())
                if (ShouldProcess(image.ToString(), "Remove image"))
                    Try(() => Engine.RemoveImage(image, Force), image);
        }

        private System.Collections.Generic.IEnumerable<Image> Resolve()
        {
            if (InputObject != null) { foreach (var i in InputObject) yield return i; yield break; }
            foreach (var n in Name!)
            {
                if (WildcardPattern.ContainsWildcardCharacters(n))
                {
                    var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                    foreach (var i in Engine.ListImages().Where(i => pattern.IsMatch(i.ToString()) || pattern.IsMatch(i.Name))) yield return i;
                    continue;
                }
                Image? found = null;
                if (Try(() => found = Engine.GetImage(n), n) && found != null) yield return found;
            }
        }
    }
}
