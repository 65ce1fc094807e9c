using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MiniDocker.Engine.Kernel;
using MiniDocker.Engine.Launch;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The OpenSSL-free hash and random source mini-docker's start path uses (bench/README.md, issue 15).</summary>
    public class StartupPrimitivesTests
    {
        [Theory]
        [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
        [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
        [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
        public void ManagedSha256_matches_the_FIPS_180_examples(string input, string hex)
        {
            Assert.Equal(hex, Convert.ToHexString(ManagedSha256.HashData(Encoding.ASCII.GetBytes(input))).ToLowerInvariant());
        }

        [Fact]
        public void ManagedSha256_matches_the_framework_for_every_length_around_the_block_and_padding_edges_in_any_chunking()
        {
            var rng = new Random(15);
            for (int length = 0; length <= 300; length++)
            {
                byte[] data = new byte[length];
                rng.NextBytes(data);
                byte[] expected = SHA256.HashData(data);
                Assert.Equal(expected, ManagedSha256.HashData(data));
                // The cache key is appended piece by piece: split at a random point, and byte by byte.
                var split = new ManagedSha256();
                int cut = length == 0 ? 0 : rng.Next(length);
                split.Append(data.AsSpan(0, cut));
                split.Append(data.AsSpan(cut));
                Assert.Equal(expected, split.Finish());
                var bytewise = new ManagedSha256();
                foreach (byte b in data) bytewise.Append(new[] { b });
                Assert.Equal(expected, bytewise.Finish());
            }
        }

        [Fact]
        public void ManagedSha256_refuses_data_after_it_finished()
        {
            var sha = new ManagedSha256();
            sha.Finish();
            Assert.Throws<InvalidOperationException>(() => sha.Append(new byte[1]));
        }

        [Fact]
        public void KernelRandom_gives_fresh_bytes_and_hex_ids()
        {
            string a = KernelRandom.Hex(32), b = KernelRandom.Hex(32);
            Assert.Matches("^[0-9a-f]{64}$", a);
            Assert.NotEqual(a, b);
            // A large request fills every byte (getrandom may return short for big sizes): not all of 64 KiB stays zero-heavy.
            byte[] big = KernelRandom.GetBytes(65536);
            Assert.InRange(big.Count(x => x == 0), 0, 65536 / 128);
        }

        [Fact]
        public void KernelRandom_GetInt32_stays_in_range_and_reaches_every_value()
        {
            var seen = new HashSet<int>();
            for (int i = 0; i < 2000; i++)
            {
                int v = KernelRandom.GetInt32(1000, 1010);
                Assert.InRange(v, 1000, 1009);
                seen.Add(v);
            }
            Assert.Equal(10, seen.Count);
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelRandom.GetInt32(5, 5));
        }

        [Fact]
        public void The_seccomp_cache_key_is_the_same_SHA_256_name_as_before()
        {
            // Cache files written by earlier builds (OpenSSL's SHA-256) keep their names: same input, same file.
            using var dir = new TempDirectory();
            string helper = System.IO.Path.Combine(dir.Path, "mdhelper");
            System.IO.File.WriteAllBytes(helper, new byte[123]);
            var plan = new LaunchPlan().Seccomp("errno").Syscall("read", "allow", "").Syscall("write", "allow", "");
            SeccompCache.Attach(plan, System.IO.Path.Combine(dir.Path, "cache"), helper);
            var info = new System.IO.FileInfo(helper);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(Encoding.UTF8.GetBytes($"bpf-v1\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}\0"));
            foreach (var d in plan.Directives.Where(d => d[0] is "seccomp" or "syscall"))
                foreach (var s in d) sha.AppendData(Encoding.UTF8.GetBytes(s + "\0"));
            string expected = Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant() + ".bpf";
            Assert.EndsWith(expected, plan.Directives.Single(d => d[0] == "seccompcache")[1]);
        }
    }
}
