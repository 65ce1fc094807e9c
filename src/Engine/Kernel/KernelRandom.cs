using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Kernel
{
    /// <summary>
    /// Random bytes straight from the kernel (getrandom(2)). On Linux, .NET's RandomNumberGenerator is OpenSSL's
    /// RAND_bytes: the first call loads libssl and libcrypto and reads openssl.cnf, which mini-docker paid on every
    /// command for one container id (bench/README.md). Ids and names need the kernel's CSPRNG, not OpenSSL's.
    /// </summary>
    internal static unsafe class KernelRandom
    {
        [DllImport("libc", EntryPoint = "getrandom", SetLastError = true)]
        private static extern nint GetRandom(byte* buffer, nuint length, uint flags);

        private const int EINTR = 4;

        /// <summary>Fills BUFFER; blocks only before the kernel's pool is first initialised (early boot), like /dev/urandom never does.</summary>
        public static void Fill(Span<byte> buffer)
        {
            fixed (byte* p = buffer)
            {
                int done = 0;
                while (done < buffer.Length)
                {
                    nint n = GetRandom(p + done, (nuint)(buffer.Length - done), 0);
                    if (n < 0)
                    {
                        int e = Marshal.GetLastPInvokeError();
                        if (e == EINTR) continue;
                        throw new IOException($"getrandom failed: errno {e}");
                    }
                    done += (int)n;
                }
            }
        }

        public static byte[] GetBytes(int count)
        {
            var b = new byte[count];
            Fill(b);
            return b;
        }

        /// <summary>COUNT random bytes as lower-case hex (2×COUNT characters).</summary>
        public static string Hex(int count) => Convert.ToHexString(GetBytes(count)).ToLowerInvariant();

        /// <summary>A uniform integer in [MIN, MAX): rejection sampling, so no value is favoured.</summary>
        public static int GetInt32(int min, int max)
        {
            if (max <= min) throw new ArgumentOutOfRangeException(nameof(max));
            uint range = (uint)(max - min);
            uint limit = uint.MaxValue - uint.MaxValue % range;   // values at or above it would bias the modulo
            Span<byte> b = stackalloc byte[4];
            uint v;
            do { Fill(b); v = BitConverter.ToUInt32(b); } while (v >= limit);
            return min + (int)(v % range);
        }

        public static int GetInt32(int max) => GetInt32(0, max);
    }
}
