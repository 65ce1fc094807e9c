using System.Linq;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Lists imported images, one object per name:tag (like docker images).</summary>
    [Cmdlet(VerbsCommon.Get, "MiniImage", DefaultParameterSetName = "Name")]
    [OutputType(typeof(Image))]
    public sealed class GetMiniImageCommand : MiniDockerCmdlet
    {
        /// <summary>name or name:tag, wildcards allowed.</summary>
        [Parameter(ParameterSetName = "Name", Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Id prefix.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        protected override void ProcessRecord()
        {
            var all = Engine.ListImages();
            if (Id != null)
            {
                foreach (var id in Id)
                    Try(() => WriteObject(Engine.GetImage(id)), id);
                return;
            }
            if (Name == null) { WriteObject(all, enumerateCollection: true); return; }
            foreach (var n in Name)
            {
                var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                var matches = all.Where(i => pattern.IsMatch(i.ToString()) || pattern.IsMatch(i.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No image named '{n}'."), "ImageNotFound", ErrorCategory.ObjectNotFound, n));
                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
