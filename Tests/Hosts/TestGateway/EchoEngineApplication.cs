namespace OrleansSocket.Gateway.EngineIO;

/// <summary>
/// The bare Engine.IO application of the protocol test suites: every message is sent straight back.
/// Map it with <c>endpoints.MapEngineIO("/engine.io/", new EchoEngineApplication(), options)</c>.
/// The test gateway maps it with the <c>protocol</c> profile; Tests/Unit compiles this file too (a linked source).
/// It keeps the Engine.IO namespace, which the unit tests that use it already import.
/// </summary>
internal sealed class EchoEngineApplication : IEngineApplication
{
    public IEngineListener OnOpen(IEngineConnection connection) => new Echo(connection);

    private sealed class Echo(IEngineConnection connection) : IEngineListener
    {
        // The data is only valid during the call, and Send keeps what it is given: copy.
        public void OnMessage(ReadOnlyMemory<byte> data, bool isBinary) => connection.Send(data.ToArray(), isBinary);

        public void OnClose(EngineCloseReason reason)
        {
        }
    }
}
