package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.io.OutputStream;

import org.springframework.core.serializer.Serializer;

import dev.discordoo.sharding.ipc.FrameWriter.FrameBatch;

/**
 * Writes a {@link FrameBatch}: each body behind its 4-byte big-endian length header, back to
 * back. Spring Integration's connection flushes once after the whole batch, so that frames
 * queued together leave in one write. (Spring Integration's own
 * {@code ByteArrayLengthHeaderSerializer} writes one {@code byte[]} per message, one flush
 * each; a serializer of lists of frames would replace this class.)
 */
final class FrameBatchSerializer implements Serializer<Object> {

	@Override
	public void serialize(Object object, OutputStream out) throws IOException {
		if (!(object instanceof FrameBatch batch)) {
			throw new IllegalArgumentException("IPC connections send frame batches, not " + object.getClass().getName());
		}
		byte[] header = new byte[FrameWriter.HEADER_BYTES];
		for (byte[] body : batch.bodies()) {
			int length = body.length;
			header[0] = (byte) (length >>> 24);
			header[1] = (byte) (length >>> 16);
			header[2] = (byte) (length >>> 8);
			header[3] = (byte) length;
			out.write(header);
			out.write(body);
		}
	}

}
