using System.Runtime.Versioning;

// The engine is Linux-only (cgroups, namespaces); so are its tests.
[assembly: SupportedOSPlatform("linux")]
