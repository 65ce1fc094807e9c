using System;
using System.IO;
using System.Linq;
using System.Text;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// Compiling a seccomp profile to BPF costs the helper ~10 ms per start; the compiled program depends
    /// only on the rules and the helper build, so the helper caches it in a file named by their hash.
    /// </summary>
    public static class SeccompCache
    {
        /// <summary>Adds the cache directive to PLAN when it has a filter; the cache lives in DIRECTORY (root-only).</summary>
        public static void Attach(LaunchPlan plan, string directory, string helperPath)
        {
            var rules = plan.Directives.Where(d => d[0] is "seccomp" or "syscall").ToList();
            if (rules.Count == 0) return;
            var sha = new ManagedSha256();   // not OpenSSL's: see ManagedSha256
            // The helper decides architectures and layout: a new helper build must not reuse old programs.
            var helper = new FileInfo(helperPath);
            sha.Append(Encoding.UTF8.GetBytes($"bpf-v1\0{helper.Length}\0{helper.LastWriteTimeUtc.Ticks}\0"));
            foreach (var d in rules)
                foreach (var s in d) sha.Append(Encoding.UTF8.GetBytes(s + "\0"));
            StateDirectory.Create(directory);
            plan.SeccompCache(Path.Combine(directory, Convert.ToHexString(sha.Finish()).ToLowerInvariant() + ".bpf"));
        }
    }
}
