using System;

namespace MiniDocker.Engine
{
    /// <summary>What kind of failure (a front end maps it to its own categories; the module to ErrorCategory).</summary>
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

    /// <summary>
    /// A failure the user can act on: a stable ErrorId, a kind and the object it concerns. A message that
    /// names an input of the engine (a <see cref="Containers.ContainerSpec"/> or <see cref="LimitRequest"/>
    /// property, an option such as Force) or an operation (ImportImage) is built from a wording, so each
    /// front end says it its own way (the module: -Memory, Import-MiniImage); <see cref="Exception.Message"/>
    /// uses the engine's own names.
    /// </summary>
    public sealed class MiniDockerException : Exception
    {
        private readonly Func<Func<string, string>, Func<string, string>, string>? _wording;

        public MiniDockerException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target is ContainerRecord record ? record.ToContainer() : target;   // users see the container, never its bookkeeping
        }

        /// <param name="wording">
        /// The message, given how to word an input (P("Memory")) and an operation (OP("ImportImage")); the first
        /// input it names is <see cref="Parameter"/>.
        /// </param>
        public MiniDockerException(string errorId, FailureKind kind, Func<Func<string, string>, Func<string, string>, string> wording, object? target = null, Exception? inner = null)
            : this(errorId, kind, wording(name => name, name => name), target, inner)
        {
            _wording = wording;
            string? first = null;
            wording(name => { first ??= name; return name; }, name => name);
            Parameter = first;
        }

        private MiniDockerException(MiniDockerException e, Func<string, string> parameter, Func<string, string> operation)
            : base(e._wording!(parameter, operation), e.InnerException)
        {
            (ErrorId, Kind, Target, Parameter, _wording) = (e.ErrorId, e.Kind, e.Target, e.Parameter, e._wording);
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        public object? Target { get; }
        /// <summary>The engine input the failure is about (Memory, Force, Ulimits, ...), or null.</summary>
        public string? Parameter { get; }

        /// <summary>This failure with its inputs worded by PARAMETER and its operations by OPERATION (itself when its message names none).</summary>
        public MiniDockerException WordedBy(Func<string, string> parameter, Func<string, string> operation) =>
            _wording == null ? this : new MiniDockerException(this, parameter, operation);
    }
}
