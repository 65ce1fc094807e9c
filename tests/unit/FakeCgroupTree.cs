using System;
using System.IO;

namespace MiniDocker.Tests
{
    /// <summary>A throw-away directory standing in for /sys/fs/cgroup; the drivers only see files.</summary>
    public sealed class FakeCgroupTree : IDisposable
    {
        public FakeCgroupTree() => Directory.CreateDirectory(Root);

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "md-fake-cgroup-" + Guid.NewGuid().ToString("n"));

        public string Path_(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

        public void Write(string relative, string text)
        {
            string p = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, text);
        }

        public string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative)).Trim();

        public bool Exists(string relative) => File.Exists(Path.Combine(Root, relative));

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
