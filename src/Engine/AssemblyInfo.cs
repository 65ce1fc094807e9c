using System.Runtime.CompilerServices;
using System.Runtime.Versioning;

[assembly: SupportedOSPlatform("linux")]
[assembly: InternalsVisibleTo("MiniDocker.Tests")]
