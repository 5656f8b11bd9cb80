package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.core.serializer.Deserializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * Reads length-header frames like {@code TcpCodecs.lengthHeader4(maxFrameSize)}, with two
 * differences the protocol needs: the length is unsigned, and a length outside
 * {@code 2 … maxFrameSize} yields a {@link FramingViolation} instead of an exception, so
 * that the listener can still send ERROR before it closes the connection (Spring
 * Integration closes the socket before it reports a read exception). It is not a
 * {@code ByteArrayLengthHeaderSerializer} subclass for that reason: that class can only
 * return a body or throw. A hook of the connection that lets a deserialization failure be
 * answered before the close would replace this class with such a subclass.
 */
final class FrameDeserializer implements Deserializer<Object> {

	private final int maxFrameSize;

	FrameDeserializer(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public Object deserialize(InputStream in) throws IOException {
		byte[] header = new byte[4];
		int read = readFully(in, header);
		if (read == 0) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
		if (read < header.length) {
			throw new IOException("Stream closed inside a frame header after " + read + " bytes");
		}
		long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFFL) << 16) | ((header[2] & 0xFFL) << 8)
				| (header[3] & 0xFFL);
		if (length > this.maxFrameSize) {
			return new FramingViolation(
					"frame of " + length + " bytes exceeds the max frame size of " + this.maxFrameSize + " bytes");
		}
		if (length < FrameCodec.MIN_FRAME_SIZE) {
			return new FramingViolation("frame of " + length + " bytes is below the minimum of "
					+ FrameCodec.MIN_FRAME_SIZE + " bytes");
		}
		byte[] body = new byte[(int) length];
		int bodyRead = readFully(in, body);
		if (bodyRead < body.length) {
			throw new IOException("Stream closed inside a frame: " + bodyRead + " of " + length + " bytes");
		}
		return body;
	}

	private static int readFully(InputStream in, byte[] buffer) throws IOException {
		int total = 0;
		while (total < buffer.length) {
			int n = in.read(buffer, total, buffer.length - total);
			if (n < 0) {
				break;
			}
			total += n;
		}
		return total;
	}

	/**
	 * A frame whose length header the receiver refuses; its body was not read.
	 * @param message what was wrong
	 */
	record FramingViolation(String message) {
	}

}
