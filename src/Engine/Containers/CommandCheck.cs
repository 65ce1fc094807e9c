using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// Why a command cannot be exec'd in a rootfs, said precisely: execve answers ENOENT both for a
    /// missing file and for a missing #! interpreter or ELF loader, and EACCES/ENOEXEC without naming
    /// the file. Checked at creation and again when a start fails at exec.
    /// </summary>
    public static class CommandCheck
    {
        /// <summary>The problem with COMMAND in the rootfs (layers top first), or null when it can be exec'd.</summary>
        public static MiniDockerException? Problem(IReadOnlyList<string> layersTopFirst, string command, string searchPath, string where, object? target)
        {
            string? found = RootfsPath.FindCommand(layersTopFirst, command, searchPath);
            if (found == null)
            {
                foreach (string candidate in Candidates(command, searchPath))
                {
                    string? host = RootfsPath.Resolve(layersTopFirst, candidate);
                    if (host != null && Directory.Exists(host))
                        return new MiniDockerException("CommandNotExecutable", FailureKind.InvalidArgument,
                            $"Command '{candidate}' in {where} is a directory, not a program.", target ?? command);
                    if (host != null && File.Exists(host))
                        return new MiniDockerException("CommandNotExecutable", FailureKind.InvalidArgument,
                            $"Command '{candidate}' in {where} is not executable (mode {Mode(host)}); give it an execute bit (chmod +x) in the rootfs.", target ?? command);
                }
                return new MiniDockerException("CommandNotFound", FailureKind.ObjectNotFound,
                    $"Command '{command}' not found in {where}" + (command.Contains('/') ? "." : $" (searched PATH {searchPath})."), target ?? command);
            }
            string file = RootfsPath.Resolve(layersTopFirst, found)!;
            string? interpreter = Interpreter(file, out bool script, out ushort machine);
            if (interpreter != null && interpreter.StartsWith('/') && RootfsPath.Resolve(layersTopFirst, interpreter) == null)
                return new MiniDockerException("CommandInterpreterNotFound", FailureKind.ObjectNotFound, script
                    ? $"Command '{found}' in {where} is a script for '{interpreter}' (its #! line), which does not exist there."
                    : $"Command '{found}' in {where} is dynamically linked and needs its loader '{interpreter}', which does not exist there; use a static program or a rootfs with its libraries.",
                    target ?? command);
            if (!script && machine != 0 && HostMachine is ushort hm && machine != hm && MachineName(machine) is string built)
                return new MiniDockerException("CommandWrongArchitecture", FailureKind.InvalidArgument,
                    $"Command '{found}' in {where} is built for {built}; this machine runs {MachineName(hm)}.", target ?? command);
            return null;
        }

        private static IEnumerable<string> Candidates(string command, string searchPath)
        {
            if (command.Contains('/')) { yield return command; yield break; }
            foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)) yield return dir.TrimEnd('/') + "/" + command;
        }

        private static string Mode(string host) => Convert.ToString((int)File.GetUnixFileMode(host), 8).PadLeft(4, '0');

        private const ushort EM_X86_64 = 62, EM_AARCH64 = 183;
        private static ushort? HostMachine => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => EM_X86_64,
            Architecture.Arm64 => EM_AARCH64,
            _ => null,
        };
        private static string? MachineName(ushort m) => m switch { EM_X86_64 => "x86_64", EM_AARCH64 => "aarch64", _ => null };

        /// <summary>The #! interpreter of a script, or the PT_INTERP loader of a 64-bit little-endian ELF; null for neither (or unreadable).</summary>
        private static string? Interpreter(string file, out bool script, out ushort machine)
        {
            script = false;
            machine = 0;
            try
            {
                using var f = File.OpenRead(file);
                var head = new byte[256];
                int n = f.Read(head, 0, head.Length);
                if (n >= 2 && head[0] == '#' && head[1] == '!')
                {
                    script = true;
                    string line = Encoding.UTF8.GetString(head, 2, n - 2).Split('\n')[0].Trim();
                    return line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } parts ? parts[0] : null;
                }
                if (n < 64 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F' || head[4] != 2 || head[5] != 1) return null;
                machine = BitConverter.ToUInt16(head, 18);
                long phoff = BitConverter.ToInt64(head, 0x20);
                int phentsize = BitConverter.ToUInt16(head, 0x36), phnum = BitConverter.ToUInt16(head, 0x38);
                var ph = new byte[56];
                for (int i = 0; i < phnum && phentsize >= 56; i++)
                {
                    f.Position = phoff + (long)i * phentsize;
                    if (f.Read(ph, 0, ph.Length) != ph.Length) return null;
                    if (BitConverter.ToUInt32(ph, 0) != 3) continue;   // PT_INTERP
                    long offset = BitConverter.ToInt64(ph, 8), size = BitConverter.ToInt64(ph, 32);
                    if (size <= 0 || size > 4096) return null;
                    var interp = new byte[size];
                    f.Position = offset;
                    if (f.Read(interp, 0, interp.Length) != interp.Length) return null;
                    return Encoding.UTF8.GetString(interp).TrimEnd('\0');
                }
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }
    }
}
