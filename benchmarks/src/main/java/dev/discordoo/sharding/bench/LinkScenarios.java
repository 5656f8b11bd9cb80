package dev.discordoo.sharding.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcLinkHandler;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * link-rtt and link-throughput: one manager↔instance link between this JVM (the manager
 * end, an {@link IpcClient}) and a {@link LinkPeerMain} JVM (the instance end, an
 * {@code IpcServer}), against a plain socket with the same framing between the same two
 * kinds of processes. Runs of the two alternate, so that both see the same machine.
 */
final class LinkScenarios {

	/** JVM arguments of both peers, ours and the raw one. */
	static final List<String> PEER_JVM_ARGS = List.of("-Xmx512m", "-Dlogback.configurationFile=bench-logback.xml");

	/** The peers' JVM arguments, plus any given in {@code -Dbench.peer-extra-args} (to profile them). */
	private static List<String> peerJvmArgs() {
		List<String> args = new ArrayList<>(PEER_JVM_ARGS);
		String extra = System.getProperty("bench.peer-extra-args", "").trim();
		if (!extra.isEmpty()) {
			args.addAll(List.of(extra.split("\\s+")));
		}
		return args;
	}

	private final Results results;

	private final Config config;

	private final FrameCodec codec = new FrameCodec();

	private final JsonNode payload = BenchPayload.payload(this.codec);

	private final byte[] frame = BenchPayload.echoFrame(this.codec);

	LinkScenarios(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	void rtt() throws Exception {
		int warmup = this.config.integer("link-rtt.warmup", 20_000);
		int count = this.config.integer("link-rtt.count", 20_000);
		int runs = this.config.integer("link-rtt.runs", 5);
		System.out.printf("link-rtt: %d-byte DISPATCH frames, %d warm-up round trips, %d runs x %d%n",
				this.frame.length, warmup, runs, count);
		try (IpcEnd ours = new IpcEnd(); RawEnd raw = new RawEnd(this.codec, this.payload, this.frame)) {
			ours.rtt(warmup);
			ours.requestRtt(warmup);
			raw.rtt(warmup);
			List<Double> p50 = new ArrayList<>();
			List<Double> p99 = new ArrayList<>();
			List<Double> p999 = new ArrayList<>();
			List<Double> requestP50 = new ArrayList<>();
			List<Double> requestP99 = new ArrayList<>();
			List<Double> rawP50 = new ArrayList<>();
			List<Double> rawP99 = new ArrayList<>();
			List<Double> rawP999 = new ArrayList<>();
			List<Double> ratio = new ArrayList<>();
			List<Double> ratio99 = new ArrayList<>();
			List<Double> requestRatio = new ArrayList<>();
			List<Double> requestRatio99 = new ArrayList<>();
			for (int run = 0; run < runs; run++) {
				long[] a = Stats.sorted(ours.rtt(count));
				long[] r = Stats.sorted(ours.requestRtt(count));
				long[] b = Stats.sorted(raw.rtt(count));
				p50.add((double) Stats.percentile(a, 50));
				p99.add((double) Stats.percentile(a, 99));
				p999.add((double) Stats.percentile(a, 99.9));
				requestP50.add((double) Stats.percentile(r, 50));
				requestP99.add((double) Stats.percentile(r, 99));
				rawP50.add((double) Stats.percentile(b, 50));
				rawP99.add((double) Stats.percentile(b, 99));
				rawP999.add((double) Stats.percentile(b, 99.9));
				ratio.add((double) Stats.percentile(a, 50) / Stats.percentile(b, 50));
				ratio99.add((double) Stats.percentile(a, 99) / Stats.percentile(b, 99));
				requestRatio.add((double) Stats.percentile(r, 50) / Stats.percentile(b, 50));
				requestRatio99.add((double) Stats.percentile(r, 99) / Stats.percentile(b, 99));
			}
			String note = this.frame.length + "-byte body, " + count + " round trips per run";
			this.results.add("link-rtt", "IPC link RTT p50", Stats.Summary.of(p50), Results::micros, "", note);
			this.results.add("link-rtt", "IPC link RTT p99", Stats.Summary.of(p99), Results::micros, "", "");
			this.results.add("link-rtt", "IPC link RTT p99.9", Stats.Summary.of(p999), Results::micros, "", "");
			this.results.add("link-rtt", "raw socket RTT p50", Stats.Summary.of(rawP50), Results::micros, "",
					"same framing and bytes, flush per frame");
			this.results.add("link-rtt", "raw socket RTT p99", Stats.Summary.of(rawP99), Results::micros, "", "");
			this.results.add("link-rtt", "raw socket RTT p99.9", Stats.Summary.of(rawP999), Results::micros, "", "");
			this.results.add("link-rtt", "IPC request RTT p50", Stats.Summary.of(requestP50), Results::micros, "",
					"IpcLink.request answered by the peer's handler; the RESPONSE completes on the reader thread");
			this.results.add("link-rtt", "IPC request RTT p99", Stats.Summary.of(requestP99), Results::micros, "", "");
			this.results.add("link-rtt", "RTT p50 ratio ours/raw (DISPATCH echo)", Stats.Summary.of(ratio),
					Results::ratio, "≤ 1.25×", "per run, runs alternate; a handler hand-off on each side");
			this.results.add("link-rtt", "RTT p99 ratio ours/raw (DISPATCH echo)", Stats.Summary.of(ratio99),
					Results::ratio, "≤ 1.5×", "");
			this.results.add("link-rtt", "RTT p50 ratio ours/raw (request)", Stats.Summary.of(requestRatio),
					Results::ratio, "≤ 1.25×", "one handler hand-off (the peer's request handler)");
			this.results.add("link-rtt", "RTT p99 ratio ours/raw (request)", Stats.Summary.of(requestRatio99),
					Results::ratio, "≤ 1.5×", "");
		}
		nodeIpc(warmup, count, runs);
	}

	/** node-ipc's round trip between two Node.js processes, with the same payload, for comparison. */
	private void nodeIpc(int warmup, int count, int runs) throws Exception {
		NodePeers peers = new NodePeers(this.results);
		tools.jackson.databind.node.ObjectNode options = peers.options();
		options.set("payload", this.payload);
		options.put("warmup", warmup);
		options.put("count", count);
		options.put("runs", runs);
		JsonNode result = peers.run("node-ipc-bench.js", options, 15);
		if (result == null) {
			return;
		}
		String note = "node-ipc 9.2.1 over TCP loopback between two Node.js processes, the same payload echoed";
		this.results.add("link-rtt", "node-ipc RTT p50", Stats.Summary.of(NodePeers.values(result, "p50Nanos")),
				Results::micros, "", note);
		this.results.add("link-rtt", "node-ipc RTT p99", Stats.Summary.of(NodePeers.values(result, "p99Nanos")),
				Results::micros, "", "");
		this.results.add("link-rtt", "node-ipc RTT p99.9", Stats.Summary.of(NodePeers.values(result, "p999Nanos")),
				Results::micros, "", "");
	}

	void throughput() throws Exception {
		int warmup = this.config.integer("link-throughput.warmup", 200_000);
		int count = this.config.integer("link-throughput.count", 200_000);
		int runs = this.config.integer("link-throughput.runs", 5);
		System.out.printf("link-throughput: %d-byte DISPATCH frames instance -> manager, %d warm-up, %d runs x %d%n",
				this.frame.length, warmup, runs, count);
		try (IpcEnd ours = new IpcEnd(); RawEnd raw = new RawEnd(this.codec, this.payload, this.frame)) {
			ours.stream(warmup);
			raw.stream(warmup);
			List<Double> rate = new ArrayList<>();
			List<Double> rawRate = new ArrayList<>();
			List<Double> ratio = new ArrayList<>();
			List<Double> switches = new ArrayList<>();
			List<Double> rawSwitches = new ArrayList<>();
			List<Double> cpu = new ArrayList<>();
			List<Double> rawCpu = new ArrayList<>();
			for (int run = 0; run < runs; run++) {
				long before = Children.contextSwitches();
				long cpuBefore = cpuNanos(ours.peer);
				double a = ours.stream(count);
				long between = Children.contextSwitches();
				long cpuBetween = cpuNanos(ours.peer);
				long rawCpuBefore = cpuNanos(raw.peer);
				double b = raw.stream(count);
				long after = Children.contextSwitches();
				long rawCpuAfter = cpuNanos(raw.peer);
				cpu.add((double) (cpuBetween - cpuBefore) / count);
				rawCpu.add((double) (rawCpuAfter - rawCpuBefore) / count);
				rate.add(a);
				rawRate.add(b);
				ratio.add(a / b);
				switches.add((double) (between - before) / count);
				rawSwitches.add((double) (after - between) / count);
			}
			String note = this.frame.length + "-byte body, " + count + " frames per run";
			this.results.add("link-throughput", "IPC link one-way DISPATCH", Stats.Summary.of(rate), Results::perSecond,
					"≥ 300 k/s", note + ", counted by the IpcLinkHandler");
			this.results.add("link-throughput", "raw socket one-way", Stats.Summary.of(rawRate), Results::perSecond, "",
					"same framing and bytes, flush per frame");
			this.results.add("link-throughput", "throughput ratio ours/raw", Stats.Summary.of(ratio), Results::ratio, "",
					"per run, runs alternate");
			this.results.add("link-throughput", "CPU per frame, both JVMs, IPC link", Stats.Summary.of(cpu),
					Results::nanos, "", "process CPU time of sender and receiver");
			this.results.add("link-throughput", "CPU per frame, both JVMs, raw socket", Stats.Summary.of(rawCpu),
					Results::nanos, "", "");
			if (switches.stream().allMatch((value) -> value >= 0)) {
				this.results.add("link-throughput", "manager JVM context switches per frame, IPC link",
						Stats.Summary.of(switches), Results::fixed, "", "all threads of the receiving JVM, from /proc");
				this.results.add("link-throughput", "manager JVM context switches per frame, raw socket",
						Stats.Summary.of(rawSwitches), Results::fixed, "", "");
			}
		}
	}

	/** CPU time so far of this JVM plus a peer. */
	private static long cpuNanos(Process peer) {
		long own = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
		long other = peer.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
		return own + other;
	}

	private static int port(Process process) throws Exception {
		String line = Children.awaitLine(process, (text) -> text.startsWith(LinkPeerMain.READY_PREFIX))
			.get(60, TimeUnit.SECONDS);
		return Integer.parseInt(line.substring(LinkPeerMain.READY_PREFIX.length()).trim());
	}

	/** The manager end of a real link to an {@code ipc} peer. */
	private final class IpcEnd implements IpcLinkHandler, AutoCloseable {

		private final IpcResources resources = new IpcResources("bench-manager");

		private final Process peer;

		private final IpcClient client;

		private final IpcLink link;

		private volatile Thread waiter;

		private volatile long echoes;

		private volatile long streamed;

		private volatile long streamTarget = Long.MAX_VALUE;

		private volatile CompletableFuture<Long> streamDone;

		IpcEnd() throws Exception {
			long pid = ProcessHandle.current().pid();
			String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, pid);
			String instanceId = DiscordooSnowflake.generate(0, pid);
			byte[] secret = new byte[16];
			new SecureRandom().nextBytes(secret);
			String token = HexFormat.of().formatHex(secret);
			this.peer = Children.startJvm(peerJvmArgs(), LinkPeerMain.class.getName(), List.of("ipc"),
					Map.of(InstanceEnvironment.MANAGER_ID, managerId, InstanceEnvironment.INSTANCE_ID, instanceId,
							InstanceEnvironment.INSTANCE_INDEX, "0", InstanceEnvironment.TOKEN, token));
			try {
				int port = port(this.peer);
				IpcSettings settings = IpcSettings.defaults();
				this.client = new IpcClient("127.0.0.1", port, settings, this.resources, LinkScenarios.this.codec);
				Payloads.Hello hello = new Payloads.Hello(managerId,
						DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, pid), token,
						settings.heartbeatInterval().toMillis(), List.of(0), 1, 0, Payloads.VERSION);
				this.link = this.client.connect(hello, instanceId, this).get(60, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				close();
				throw ex;
			}
		}

		long[] rtt(int count) {
			long[] samples = new long[count];
			this.waiter = Thread.currentThread();
			for (int i = 0; i < count; i++) {
				long before = this.echoes;
				long start = System.nanoTime();
				this.link.dispatch(LinkPeerMain.ECHO, LinkScenarios.this.payload);
				while (this.echoes == before) {
					LockSupport.parkNanos(this, 1_000_000);
				}
				samples[i] = System.nanoTime() - start;
			}
			return samples;
		}

		long[] requestRtt(int count) throws Exception {
			long[] samples = new long[count];
			for (int i = 0; i < count; i++) {
				long start = System.nanoTime();
				Payloads.Response response = this.link.request("echo", LinkScenarios.this.payload, null, null)
					.get(30, TimeUnit.SECONDS);
				samples[i] = System.nanoTime() - start;
				if (!response.ok()) {
					throw new IllegalStateException("request failed: " + response);
				}
			}
			return samples;
		}

		double stream(int count) throws Exception {
			this.streamed = 0;
			this.streamTarget = count;
			this.streamDone = new CompletableFuture<>();
			ObjectNode command = LinkScenarios.this.codec.mapper().createObjectNode();
			command.put("n", count);
			command.set("payload", LinkScenarios.this.payload);
			long start = System.nanoTime();
			this.link.dispatch(LinkPeerMain.SEND, command);
			long end = this.streamDone.get(120, TimeUnit.SECONDS);
			return count / ((end - start) / 1e9);
		}

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data) {
			if (LinkPeerMain.STREAM.equals(event)) {
				// one handler thread at a time per link: a plain increment of a volatile is safe
				long n = this.streamed + 1;
				this.streamed = n;
				if (n == this.streamTarget) {
					this.streamDone.complete(System.nanoTime());
				}
			}
			else if (LinkPeerMain.ECHO.equals(event)) {
				this.echoes = this.echoes + 1;
				Thread current = this.waiter;
				if (current != null) {
					LockSupport.unpark(current);
				}
			}
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			return CompletableFuture.completedFuture(request.payload());
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
		}

		@Override
		public void close() {
			try {
				if (this.client != null) {
					this.client.close();
				}
				this.resources.close();
				// the peer exits by itself once its link is gone
				this.peer.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				Children.destroyTree(this.peer.toHandle());
			}
		}

	}

	/**
	 * The same exchange over a plain socket to a {@code raw} peer: the floor of a link's round
	 * trip, which the link scenarios and the cluster's fan-out compare against.
	 */
	static final class RawEnd implements AutoCloseable {

		private final Process peer;

		private final Socket socket;

		private final DataInputStream in;

		private final DataOutputStream out;

		private final byte[] frame;

		private final byte[] streamFrame;

		/**
		 * Start a raw peer and connect to it.
		 * @param codec the frame codec
		 * @param payload what a streamed frame carries
		 * @param frame the body every round trip sends and gets back
		 */
		RawEnd(FrameCodec codec, JsonNode payload, byte[] frame) throws Exception {
			this.frame = frame;
			this.streamFrame = codec.encode(OpCode.DISPATCH, LinkPeerMain.STREAM, payload);
			this.peer = Children.startJvm(peerJvmArgs(), LinkPeerMain.class.getName(), List.of("raw"), Map.of());
			try {
				this.socket = new Socket(InetAddress.getLoopbackAddress(), port(this.peer));
				this.socket.setTcpNoDelay(true);
				this.in = new DataInputStream(new BufferedInputStream(this.socket.getInputStream(), 65536));
				this.out = new DataOutputStream(new BufferedOutputStream(this.socket.getOutputStream(), 65536));
			}
			catch (Exception ex) {
				Children.destroyTree(this.peer.toHandle());
				throw ex;
			}
		}

		long[] rtt(int count) throws Exception {
			long[] samples = new long[count];
			for (int i = 0; i < count; i++) {
				long start = System.nanoTime();
				send();
				awaitEcho();
				samples[i] = System.nanoTime() - start;
			}
			return samples;
		}

		/** Send the frame, flushed; the peer echoes it. */
		void send() throws Exception {
			this.out.writeInt(this.frame.length);
			this.out.write(this.frame);
			this.out.flush();
		}

		/** Read one echoed frame. */
		void awaitEcho() throws Exception {
			byte[] echo = new byte[this.in.readInt()];
			this.in.readFully(echo);
		}

		double stream(int count) throws Exception {
			byte[] command = (LinkPeerMain.RAW_SEND_PREFIX + count + ":"
					+ new String(this.streamFrame, StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8);
			long start = System.nanoTime();
			this.out.writeInt(command.length);
			this.out.write(command);
			this.out.flush();
			for (int i = 0; i < count; i++) {
				byte[] streamed = new byte[this.in.readInt()];
				this.in.readFully(streamed);
			}
			long end = System.nanoTime();
			return count / ((end - start) / 1e9);
		}

		@Override
		public void close() throws Exception {
			try {
				this.socket.close();
				// the peer exits by itself at the end of the stream
				this.peer.waitFor(5, TimeUnit.SECONDS);
			}
			finally {
				Children.destroyTree(this.peer.toHandle());
			}
		}

	}

}
