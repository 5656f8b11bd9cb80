package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.io.OutputStream;

import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayLengthHeaderSerializer;

import dev.discordoo.sharding.ipc.FrameWriter.FrameBatch;

/**
 * Writes a {@link FrameBatch}: each body framed by the protocol's length-header serializer,
 * back to back. Spring Integration's connection flushes once after the whole batch, so that
 * frames queued together leave in one write. (Spring Integration's serializers write one
 * message per send, one flush each; a serializer of lists of frames would replace this
 * class.)
 */
final class FrameBatchSerializer implements Serializer<Object> {

	private final ByteArrayLengthHeaderSerializer framing;

	FrameBatchSerializer(ByteArrayLengthHeaderSerializer framing) {
		this.framing = framing;
	}

	@Override
	public void serialize(Object object, OutputStream out) throws IOException {
		if (!(object instanceof FrameBatch batch)) {
			throw new IllegalArgumentException("IPC connections send frame batches, not " + object.getClass().getName());
		}
		for (byte[] body : batch.bodies()) {
			this.framing.serialize(body, out);
		}
	}

}
