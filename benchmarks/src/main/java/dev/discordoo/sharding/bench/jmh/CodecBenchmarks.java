package dev.discordoo.sharding.bench.jmh;

import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;

/**
 * The frame codec on the packets of the hot path: a ~120-byte DISPATCH, and a REQUEST whose
 * payload is bound to its record as the link does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmarks {

	private FrameCodec codec;

	private JsonNode payload;

	private byte[] dispatchBody;

	private byte[] requestBody;

	private Payloads.Request request;

	@Setup
	public void setUp() {
		this.codec = new FrameCodec();
		ObjectNode node = this.codec.mapper().createObjectNode();
		node.put("guild_id", "81384788765712384");
		node.put("channel_id", "381870553235193857");
		node.put("content", "hi");
		node.put("seq", 4242);
		this.payload = node;
		this.dispatchBody = this.codec.encode(OpCode.DISPATCH, "BENCH_ECHO", this.payload);
		this.request = new Payloads.Request("7005255113650923235825640891402420224", "echo", this.payload, null,
				60_000L);
		this.requestBody = this.codec.encode(OpCode.REQUEST, null, this.request);
	}

	@Benchmark
	public byte[] encodeDispatch() {
		return this.codec.encode(OpCode.DISPATCH, "BENCH_ECHO", this.payload);
	}

	@Benchmark
	public Packet decodeDispatch() {
		return this.codec.decode(this.dispatchBody);
	}

	@Benchmark
	public byte[] encodeRequest() {
		return this.codec.encode(OpCode.REQUEST, null, this.request);
	}

	@Benchmark
	public Payloads.Request decodeRequest() {
		return this.codec.payload(this.codec.decode(this.requestBody), Payloads.Request.class);
	}

}
