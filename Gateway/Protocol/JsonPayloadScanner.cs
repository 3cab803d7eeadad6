using System.Text.Json;

namespace OrleansSocket.Gateway.Protocol;

/// <summary>
/// Validates a packet's JSON payload in one forward pass, without building objects: the gateway
/// forwards the raw bytes, so all it needs is "is this one well-formed JSON value" plus the checks
/// socket.io-parser's binary reconstruction makes on <c>{"_placeholder":true,"num":N}</c> objects.
/// </summary>
internal static class JsonPayloadScanner
{
    /// <summary>
    /// The root value's kind and extent (surrounding whitespace excluded). For a root array, also its first element's
    /// kind (<see cref="JsonTokenType.None"/>: the array is empty), that element's text when it is a string and was asked
    /// for (null when it is not valid Unicode, e.g. an escaped lone surrogate), and where the second element starts (-1:
    /// there is none): what an EVENT's name and arguments are, found in the same pass.
    /// </summary>
    public readonly record struct Result(JsonTokenType RootType, int Start, int End,
        JsonTokenType FirstType = JsonTokenType.None, string? FirstString = null, int SecondStart = -1);

    /// <summary>
    /// Scans <paramref name="json"/>. <paramref name="attachmentCount"/> is the number of attachments the
    /// packet announced: every placeholder must index one of them, and a packet without attachments may
    /// hold no placeholder at all. <paramref name="readFirstString"/>: decode a root array's first element when it is a string;
    /// when that string equals <paramref name="knownFirstString"/>, the result holds that instance instead of a new one.
    /// </summary>
    public static Result Scan(ReadOnlySpan<byte> json, int attachmentCount, int maxDepth, bool readFirstString = false,
        string? knownFirstString = null)
    {
        // One frame per nesting level, indexed by the depth of the container's start token.
        // The stack buffer covers the default depth; a larger configured depth pays one array.
        Span<Frame> frames = maxDepth <= 64 ? stackalloc Frame[64] : new Frame[maxDepth];
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read())
            {
                throw new SocketIODecodeException("invalid payload: no JSON value");
            }

            var rootType = reader.TokenType;
            var start = (int)reader.TokenStartIndex;
            var end = -1;
            var firstType = JsonTokenType.None;
            string? firstString = null;
            var secondStart = -1;
            var items = rootType == JsonTokenType.StartArray ? 0 : 2; // the root array's elements seen, up to 2
            do
            {
                var depth = reader.CurrentDepth;
                if (depth == 1 && items < 2 && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
                {
                    if (items++ == 0)
                    {
                        firstType = reader.TokenType;
                        if (readFirstString && firstType == JsonTokenType.String)
                        {
                            try
                            {
                                firstString = knownFirstString is not null && reader.ValueTextEquals(knownFirstString)
                                    ? knownFirstString
                                    : reader.GetString();
                            }
                            catch (InvalidOperationException)
                            {
                                // valid JSON, not a valid string: the caller decides, once the whole payload is known valid
                            }
                        }
                    }
                    else
                    {
                        secondStart = (int)reader.TokenStartIndex;
                    }
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        OnValue(frames, depth, ref reader);
                        frames[depth] = new Frame { IsObject = true };
                        break;
                    case JsonTokenType.StartArray:
                        OnValue(frames, depth, ref reader);
                        frames[depth] = default;
                        break;
                    case JsonTokenType.PropertyName:
                        OnProperty(ref frames[depth - 1], ref reader);
                        break;
                    case JsonTokenType.EndObject:
                        CheckPlaceholder(frames[depth], attachmentCount);
                        break;
                    case JsonTokenType.EndArray:
                        break;
                    default:
                        OnValue(frames, depth, ref reader);
                        break;
                }

                if (depth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    end = (int)reader.BytesConsumed;
                }
            }
            while (reader.Read()); // keeps reading past the root so trailing garbage is rejected

            return new Result(rootType, start, end, firstType, firstString, secondStart);
        }
        catch (JsonException ex)
        {
            throw new SocketIODecodeException($"invalid payload: malformed JSON ({ex.Message})", ex);
        }
    }

    /// <summary>A property name inside an object: remember which one, so its value can be judged.</summary>
    private static void OnProperty(ref Frame frame, ref Utf8JsonReader reader)
    {
        // ValueTextEquals unescapes, so "\u005fplaceholder" is caught like JSON.parse would see it.
        if (reader.ValueTextEquals("_placeholder"u8))
        {
            frame.Duplicate |= frame.SawPlaceholderKey;
            frame.SawPlaceholderKey = true;
            frame.Pending = PendingKey.Placeholder;
        }
        else if (reader.ValueTextEquals("num"u8))
        {
            frame.Duplicate |= frame.SawNum;
            frame.SawNum = true;
            frame.Pending = PendingKey.Num;
        }
        else
        {
            frame.HasOtherKeys = true;
            frame.Pending = PendingKey.None;
        }
    }

    /// <summary>A value token (scalar or container start): if it belongs to a watched key, record what it is.</summary>
    private static void OnValue(scoped Span<Frame> frames, int depth, ref Utf8JsonReader reader)
    {
        if (depth == 0 || !frames[depth - 1].IsObject)
        {
            return;
        }

        ref var parent = ref frames[depth - 1];
        switch (parent.Pending)
        {
            case PendingKey.Placeholder:
                // Only the literal true marks a placeholder (reference: data._placeholder === true).
                parent.PlaceholderTrue |= reader.TokenType == JsonTokenType.True;
                break;
            case PendingKey.Num:
                var num = -1L;
                parent.NumValid = reader.TokenType == JsonTokenType.Number
                    && reader.TryGetInt64(out num)
                    && num >= 0;
                parent.Num = num;
                break;
        }

        parent.Pending = PendingKey.None;
    }

    /// <summary>
    /// An object just closed. If it is a placeholder, it must be exactly <c>{"_placeholder":true,"num":N}</c>
    /// with 0 &lt;= N &lt; attachment count. The reference only checks N; we also reject extra or duplicate
    /// keys (<c>{"_placeholder":true,"num":"__proto__"}</c>-style probes) and placeholders in text-only
    /// packets, which would otherwise be forwarded and reinterpreted by other clients' decoders.
    /// </summary>
    private static void CheckPlaceholder(in Frame frame, int attachmentCount)
    {
        if (!frame.PlaceholderTrue)
        {
            return;
        }

        if (attachmentCount == 0)
        {
            throw new SocketIODecodeException("illegal attachments: placeholder in a packet without attachments");
        }

        if (frame.HasOtherKeys || frame.Duplicate || !frame.SawNum)
        {
            throw new SocketIODecodeException("illegal attachments: a placeholder must be exactly {\"_placeholder\":true,\"num\":<index>}");
        }

        if (!frame.NumValid)
        {
            throw new SocketIODecodeException("illegal attachments: placeholder num is not a non-negative integer");
        }

        if (frame.Num >= attachmentCount)
        {
            throw new SocketIODecodeException($"illegal attachments: placeholder num {frame.Num} is out of range (the packet has {attachmentCount})");
        }
    }

    private enum PendingKey : byte
    {
        None,
        Placeholder,
        Num,
    }

    /// <summary>What has been seen so far in one open container.</summary>
    private struct Frame
    {
        public bool IsObject;
        public PendingKey Pending;
        public bool SawPlaceholderKey;
        public bool PlaceholderTrue;
        public bool SawNum;
        public bool NumValid;
        public bool HasOtherKeys;
        public bool Duplicate;
        public long Num;
    }
}
