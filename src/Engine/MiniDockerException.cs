using System;

namespace MiniDocker.Engine
{
    /// <summary>What kind of failure, in PowerShell's terms (the module maps it to ErrorCategory).</summary>
    public enum FailureKind
    {
        InvalidArgument,
        ObjectNotFound,
        ResourceExists,
        InvalidOperation,
        ResourceUnavailable,
        PermissionDenied,
        NotInstalled,
        OperationTimeout,
        NotImplemented,
        ReadError,
        WriteError,
    }

    /// <summary>A failure the user can act on: a stable ErrorId, a kind and the object it concerns.</summary>
    public sealed class MiniDockerException : Exception
    {
        public MiniDockerException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        public object? Target { get; }
    }
}
