/**
 * @file The compression ratio openai/whisper and faster-whisper use to spot repetition loops:
 * UTF-8 length over zlib-compressed length (Python `zlib.compress`, level 6). The platform's
 * CompressionStream('deflate') writes the same zlib format in browsers, workers and Node, so no
 * library is needed.
 */

export async function compressionRatio(text: string): Promise<number> {
	const bytes = new TextEncoder().encode(text);
	if (bytes.length === 0) return 0;
	const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'));
	const compressed = await new Response(stream).arrayBuffer();
	return bytes.length / compressed.byteLength;
}
