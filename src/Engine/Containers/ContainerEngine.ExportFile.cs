using System;
using System.IO;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Export (the container's filesystem as a tar) into the file PATH, all or nothing: PATH is replaced only by a
        /// complete tar, and a failure leaves no temp file. PATH's folder must exist.
        /// </summary>
        public void ExportToFile(string id, string path)
        {
            var c = Get(id) ?? throw NotFound(id);
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? "/";
            if (Directory.Exists(full))
                throw new MiniDockerException("ExportPathIsDirectory", FailureKind.InvalidArgument, $"'{full}' is a directory; give the tar file to write, e.g. {Path.Combine(full, c.Name + ".tar")}.", c);
            if (!Directory.Exists(dir))
                throw new MiniDockerException("ExportDirectoryNotFound", FailureKind.ObjectNotFound, $"Cannot export container '{c.Name}' to '{full}': the folder '{dir}' does not exist; create it first.", c);
            try
            {
                AtomicFile.Write(full, output =>
                {
                    var buffered = new BufferedStream(output, 1 << 20);   // not disposed: that would close OUTPUT before its fsync
                    Export(c.Id, buffered);
                    buffered.Flush();
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MiniDockerException("ExportWriteFailed", FailureKind.WriteError, $"Cannot write the export of container '{c.Name}' to '{full}': {e.Message}", c, e);
            }
        }
    }
}
