namespace MiniDocker.Engine
{
    /// <summary>Finding a container by name through the name index, without reading every record.</summary>
    public sealed partial class ContainerEngine
    {
        private ContainerNameIndex? _names;

        private ContainerNameIndex Names => _names ??= new ContainerNameIndex(_store);

        /// <summary>The container named exactly NAME, reconciled; null if there is none.</summary>
        public Container? GetByName(string name)
        {
            if (name.Length == 0 || name.Contains('/') || name.Contains('\0') || name is "." or "..") return null;
            return Names.Lookup(name) is string id && Get(id) is { } c && c.Name == name ? c : null;
        }
    }
}
