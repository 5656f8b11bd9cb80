package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import org.springframework.integration.ip.tcp.serializer.ByteArrayLengthHeaderSerializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.discordoo.sharding.protocol.FrameCodec;
import org.jspecify.annotations.Nullable;

/**
 * The protocol's framing: Spring Integration's 4-byte big-endian length header, with the two
 * differences docs/protocol.md requires. The length is unsigned (Spring Integration refuses
 * a length above 2³¹ − 1 as negative, with a message that does not say how long), and a
 * length outside {@code 2 … maxFrameSize} is a {@link FramingViolation} that names it; the
 * body is then never read.
 *
 * <p>A violation must be answered with ERROR {@code FRAME_TOO_LARGE} before the connection
 * closes, but Spring Integration's connection closes its socket before it reports a read
 * exception to anyone. So the violation does not leave the reader as an exception: the frame
 * mapper ({@link FrameMessageMapper}), which asks the connection for each frame, turns it into
 * a frame of its own that the listener answers. Two upstream hooks would remove both
 * overrides: an unsigned 4-byte header in {@code ByteArrayLengthHeaderSerializer} (with a
 * minimum length), and a way for a connection to hand a deserialization failure to its
 * listener before it closes.
 */
final class FrameLengthHeaderSerializer extends ByteArrayLengthHeaderSerializer {

	FrameLengthHeaderSerializer(int maxFrameSize) {
		setMaxMessageSize(maxFrameSize);
	}

	@Override
	protected int readHeader(InputStream inputStream) throws IOException {
		byte[] header = new byte[HEADER_SIZE_INT];
		if (read(inputStream, header, true) < 0) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
		long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFFL) << 16) | ((header[2] & 0xFFL) << 8)
				| (header[3] & 0xFFL);
		if (length > getMaxMessageSize()) {
			throw new FramingViolation("frame of " + length + " bytes exceeds the max frame size of "
					+ getMaxMessageSize() + " bytes");
		}
		if (length < FrameCodec.MIN_FRAME_SIZE) {
			throw new FramingViolation(
					"frame of " + length + " bytes is below the minimum of " + FrameCodec.MIN_FRAME_SIZE + " bytes");
		}
		return (int) length;
	}

	/**
	 * Write the same header as Spring Integration's, without a {@code ByteBuffer} per frame:
	 * with it, framing a batch cost five times as much as the hand-written loop it replaced.
	 */
	@Override
	protected void writeHeader(OutputStream outputStream, int length) throws IOException {
		outputStream.write(new byte[] { (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
				(byte) length });
	}

	/**
	 * A frame whose length header the receiver refuses; its body was not read. Read as a
	 * frame: {@link FrameMessageMapper} hands it to the listener in place of a body.
	 */
	static final class FramingViolation extends IOException {

		private static final long serialVersionUID = 1L;

		private final String reason;

		FramingViolation(String reason) {
			super(reason);
			this.reason = reason;
		}

		/**
		 * Return what was wrong with the length, as the ERROR to the peer says it.
		 * @return the reason
		 */
		String reason() {
			return this.reason;
		}

		/**
		 * Return the violation a failed read carries, if it is one.
		 * @param ex what reading a frame threw (Spring Integration's connection wraps what
		 * the deserializer throws in an {@link UncheckedIOException})
		 * @return the violation, or {@code null}
		 */
		static @Nullable FramingViolation of(RuntimeException ex) {
			return (ex instanceof UncheckedIOException unchecked
					&& unchecked.getCause() instanceof FramingViolation violation) ? violation : null;
		}

	}

}
