package dev.discordoo.sharding.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.discordoo.sharding.ipc.FrameLengthHeaderSerializer.FramingViolation;
import dev.discordoo.sharding.ipc.FrameWriter.FrameBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The framing on its own: batches written back to back and read one frame at a time, the
 * length read as unsigned and held to the protocol's bounds.
 */
class FrameLengthHeaderSerializerTests {

	private final FrameLengthHeaderSerializer framing = new FrameLengthHeaderSerializer(16);

	@Test
	void batchIsReadBackFrameByFrameThenEndsBetweenFrames() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		new FrameBatchSerializer(this.framing).serialize(new FrameBatch(List.of("{}".getBytes(), "{\"op\":1}".getBytes())),
				out);
		assertThat(out.toByteArray()).startsWith(0, 0, 0, 2, '{', '}', 0, 0, 0, 8);
		ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
		assertThat(this.framing.deserialize(in)).asString().isEqualTo("{}");
		assertThat(this.framing.deserialize(in)).asString().isEqualTo("{\"op\":1}");
		assertThatExceptionOfType(SoftEndOfStreamException.class).isThrownBy(() -> this.framing.deserialize(in));
	}

	@Test
	void lengthIsUnsignedAndAboveTheMaxIsAViolation() {
		assertThatExceptionOfType(FramingViolation.class)
			.isThrownBy(() -> this.framing.deserialize(header(0xFF, 0xFF, 0xFF, 0xFF)))
			.extracting(FramingViolation::reason)
			.isEqualTo("frame of 4294967295 bytes exceeds the max frame size of 16 bytes");
		assertThatExceptionOfType(FramingViolation.class)
			.isThrownBy(() -> this.framing.deserialize(header(0, 0, 0, 17)))
			.extracting(FramingViolation::reason)
			.isEqualTo("frame of 17 bytes exceeds the max frame size of 16 bytes");
	}

	@Test
	void lengthBelowTwoIsAViolation() {
		assertThatExceptionOfType(FramingViolation.class).isThrownBy(() -> this.framing.deserialize(header(0, 0, 0, 1)))
			.extracting(FramingViolation::reason)
			.isEqualTo("frame of 1 bytes is below the minimum of 2 bytes");
	}

	@Test
	void streamClosedInsideAFrameIsAHardError() {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.framing.deserialize(header(0, 0)))
			.isNotInstanceOf(SoftEndOfStreamException.class);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.framing.deserialize(header(0, 0, 0, 4, '{', '}')))
			.isNotInstanceOfAny(SoftEndOfStreamException.class, FramingViolation.class);
	}

	private static ByteArrayInputStream header(int... bytes) {
		byte[] raw = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			raw[i] = (byte) bytes[i];
		}
		return new ByteArrayInputStream(raw);
	}

}
