package dev.discordoo.sharding.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcServer;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.IpcTls;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.ipc.RequestTimeout;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * A node's links to the other nodes of its cluster (see "Node links" in docs/cluster.md):
 * the node-link server other nodes connect to, which runs what they send on this node's
 * instances, and one IPC link to each other node this node has sent something to. Both are
 * the IPC classes themselves; only the HELLO's credentials differ, a proof of the cluster
 * secret.
 */
public final class NodeLinks implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(NodeLinks.class);

	private static final String PROOF_ALGORITHM = "HmacSHA256";

	/**
	 * The name of a REQUEST that asks the accepting node to restart one of its instances
	 * itself; the {@code discordoo:} prefix is never an instance's handler on a node link.
	 */
	static final String RESTART = "discordoo:restart";

	private final String clusterName;

	/** The key of the HELLO proof; {@code null} when mutual TLS alone authenticates nodes. */
	private final @Nullable SecretKeySpec secret;

	/** TLS of every node link; {@code null} for plain TCP, where the proof is checked for replays. */
	private final @Nullable IpcTls tls;

	/** Refuses a plain-TCP HELLO seen before, or too old to tell. */
	private final HelloReplayGuard replays;

	private final String host;

	private final int port;

	private final IpcSettings settings;

	private final IpcResources resources;

	private final FrameCodec codec;

	private final FanOutResults results;

	private final long pid = ProcessHandle.current().pid();

	private final String linkId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.pid);

	private final Serving serving = new Serving();

	/** The link to each other node, by node name, with the record's link id it was opened for. */
	private final Map<String, Peer> peers = new ConcurrentHashMap<>();

	private volatile @Nullable LocalShardingManager local;

	private volatile boolean closed;

	@SuppressWarnings("NullAway.Init")
	private IpcServer server;

	/**
	 * Create the node links; {@link #start()} listens. Nodes authenticate each other with the
	 * secret's proof, mutual TLS, or both; at least one of the two must be given.
	 * @param clusterName the cluster's name, part of the proof
	 * @param secret the cluster secret, never logged; {@code null} when TLS alone authenticates
	 * @param tls TLS with mutual authentication for every link, {@code null} for plain TCP
	 * @param host the address to listen on
	 * @param port the port, 0 for an ephemeral one
	 * @param settings IPC limits and timings; its spawn timeout bounds a link's handshake
	 * @param resources the threads to use
	 * @param codec the frame codec
	 */
	public NodeLinks(String clusterName, @Nullable String secret, @Nullable IpcTls tls, String host, int port,
			IpcSettings settings, IpcResources resources, FrameCodec codec) {
		if (secret != null && secret.isEmpty()) {
			throw new IllegalArgumentException("the cluster secret must not be empty");
		}
		if (secret == null && tls == null) {
			throw new IllegalArgumentException("node links need a cluster secret, TLS, or both");
		}
		this.clusterName = clusterName;
		this.secret = (secret != null) ? new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), PROOF_ALGORITHM)
				: null;
		this.tls = tls;
		this.replays = new HelloReplayGuard();
		this.host = host;
		this.port = port;
		this.settings = settings;
		this.resources = resources;
		this.codec = codec;
		this.results = new FanOutResults(codec.mapper());
	}

	/**
	 * Listen for other nodes.
	 * @return the port listened on
	 */
	public int start() {
		this.server = IpcServer.forPeers(this.host, this.port, this.linkId, this.pid, this::refusalOf, this.tls,
				this.settings, this.resources, this.codec, this.serving);
		int bound = this.server.start();
		logger.info("Node links of cluster '" + this.clusterName + "' listening on " + this.host + ":" + bound
				+ ((this.tls != null) ? " (TLS, mutual authentication)" : " (plain TCP: not encrypted)"));
		return bound;
	}

	/**
	 * Return the snowflake this node's server answers IDENTIFY with, published in its record.
	 * @return the link id
	 */
	public String linkId() {
		return this.linkId;
	}

	/**
	 * Return whether this node's links are TLS, as its record says.
	 * @return whether they are
	 */
	public boolean overTls() {
		return this.tls != null;
	}

	/**
	 * Return the address other nodes connect to.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Return how many connections the node-link server has open, authenticated or not.
	 * @return the count
	 */
	public int openConnections() {
		return this.server.openConnections();
	}

	/**
	 * Run what other nodes send on this manager's instances; until it is set, every target of
	 * theirs answers NOT_CONNECTED.
	 * @param manager this node's local manager
	 */
	public void serve(LocalShardingManager manager) {
		this.local = manager;
	}

	/**
	 * Ask instances of another node to run a request handler.
	 * @param peer the node's record
	 * @param name the handler name
	 * @param payload its argument
	 * @param indices that node's target instances
	 * @param timeout how long each target may take, and the bound of the whole call
	 * @return one entry per index, in order; NOT_CONNECTED for all when the node cannot be reached
	 */
	public CompletableFuture<List<InstanceResult<JsonNode>>> request(NodeRecord peer, String name,
			@Nullable JsonNode payload, List<Integer> indices, Duration timeout) {
		long budget = RequestTimeout.toTimerNanos(timeout);
		long started = System.nanoTime();
		return link(peer).copy()
			.orTimeout(budget, TimeUnit.NANOSECONDS)
			.handle((link, ex) -> {
				if (ex != null) {
					return CompletableFuture.completedFuture(failures(indices, ErrorCode.NOT_CONNECTED,
							"node " + peer.name() + " cannot be reached: " + rootMessage(ex)));
				}
				Duration left = Duration.ofNanos(Math.max(budget - (System.nanoTime() - started), RequestTimeout.MIN.toNanos()));
				return link.request(name, payload, indexArray(indices), left)
					.thenApply((response) -> entries(peer, indices, response));
			})
			.thenCompose((answer) -> answer);
	}

	/**
	 * Ask another node to restart one of its instances, as its own manager's restart does
	 * (overlapped when the instance is READY); the other node refuses an instance it does
	 * not run.
	 * @param peer the node's record
	 * @param index the instance
	 * @param timeout how long the restart may take, up to READY again
	 * @return the instance once READY again; fails with why the node refused or could not be
	 * reached
	 */
	public CompletableFuture<InstanceInfo> restart(NodeRecord peer, int index, Duration timeout) {
		return link(peer).thenCompose((link) -> link.request(RESTART, null, indexArray(List.of(index)), timeout))
			.thenApply((response) -> {
				Payloads.ResponseError error = response.error();
				JsonNode result = response.result();
				if (!response.ok() || result == null) {
					throw new IllegalStateException("node " + peer.name() + " did not restart instance " + index + ": "
							+ ((error != null) ? error.message() : "no result"));
				}
				return this.codec.mapper().treeToValue(result, InstanceInfo.class);
			});
	}

	/**
	 * Send a DISPATCH to instances of another node; a node that cannot be reached misses it
	 * (logged at DEBUG), as a down instance misses a local broadcast.
	 * @param peer the node's record
	 * @param event the event name
	 * @param payload its payload
	 * @param indices that node's target instances, {@code null} for all of them
	 */
	public void dispatch(NodeRecord peer, String event, @Nullable JsonNode payload, @Nullable List<Integer> indices) {
		JsonNode targets = (indices != null) ? indexArray(indices) : this.codec.mapper().getNodeFactory().stringNode("all");
		link(peer).whenComplete((link, ex) -> {
			if (ex != null) {
				logger.debug("Dispatch of " + event + " missed node " + peer.name() + ": " + rootMessage(ex));
				return;
			}
			try {
				link.dispatch(event, payload, new Relay(targets, null));
			}
			catch (RuntimeException failed) {
				logger.debug("Dispatch of " + event + " missed node " + peer.name() + ": " + failed.getMessage());
			}
		});
	}

	@Override
	public void close() {
		this.closed = true;
		for (Peer peer : this.peers.values()) {
			peer.client().close();
		}
		this.peers.clear();
		if (this.server != null) {
			this.server.close();
		}
	}

	private CompletableFuture<IpcLink> link(NodeRecord record) {
		if (!record.hasLink()) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"it publishes no node link (no cluster secret, or a version without node links)"));
		}
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("node links are closed"));
		}
		if (record.linksOverTls() != overTls()) {
			// one node with an SSL bundle for its links and one without can never link: say so
			// instead of a TLS handshake failing on every call
			return CompletableFuture.failedFuture(new IllegalStateException("its links are "
					+ (record.linksOverTls() ? "TLS and this node's are not" : "plain TCP and this node's are TLS")
					+ ": set discordoo.sharding.cluster.link.ssl.bundle on every node, or on none"));
		}
		Peer peer = this.peers.compute(record.name(), (name, current) -> {
			if (current != null && current.linkId().equals(record.linkId()) && current.usable()) {
				return current;
			}
			if (current != null) {
				current.client().close();
			}
			return connect(record);
		});
		return peer.link();
	}

	private Peer connect(NodeRecord record) {
		String peerId = record.linkId();
		String peerHost = record.linkHost();
		Integer peerPort = record.linkPort();
		if (peerId == null || peerHost == null || peerPort == null) {
			throw new IllegalStateException("node " + record.name() + " publishes no node link");
		}
		IpcClient client = IpcClient.forPeer(peerHost, peerPort, this.tls, this.settings, this.resources, this.codec);
		String eventId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.pid);
		Payloads.Hello hello = new Payloads.Hello(this.linkId, eventId, proof(this.linkId, eventId),
				this.settings.heartbeatInterval().toMillis(), List.of(), 0, -1, Payloads.VERSION);
		CompletableFuture<IpcLink> link = client.connect(hello, peerId, this.serving);
		link.whenComplete((opened, ex) -> {
			if (ex != null) {
				logger.warn("Node link to " + record.name() + " at " + peerHost + ":" + peerPort + " failed: "
						+ rootMessage(ex));
				client.close();
				this.peers.remove(record.name(), this.peers.get(record.name()));
			}
		});
		return new Peer(peerId, client, link);
	}

	/**
	 * The HELLO proof: HMAC-SHA256 of the cluster name, the sender's link id and the event id;
	 * the empty string when mutual TLS alone authenticates.
	 */
	String proof(String id, String eventId) {
		SecretKeySpec key = this.secret;
		if (key == null) {
			return "";
		}
		try {
			Mac mac = Mac.getInstance(PROOF_ALGORITHM);
			mac.init(key);
			byte[] digest = mac.doFinal(("discordoo-node-link\n" + this.clusterName + "\n" + id + "\n" + eventId)
				.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private @Nullable String refusalOf(Payloads.Hello hello) {
		// with TLS, the peer's certificate was checked before its first byte arrived
		if (this.secret == null) {
			return null;
		}
		String token = hello.token();
		if (token == null || hello.id() == null || hello.eventId() == null || !MessageDigest.isEqual(
				proof(hello.id(), hello.eventId()).getBytes(StandardCharsets.UTF_8),
				token.getBytes(StandardCharsets.UTF_8))) {
			return "node link proof is invalid (wrong cluster secret or cluster name)";
		}
		// inside TLS nobody can have captured the HELLO; on plain TCP a captured one is refused
		return (this.tls != null) ? null : this.replays.refusalOf(hello.eventId());
	}

	private List<InstanceResult<JsonNode>> entries(NodeRecord peer, List<Integer> indices, Payloads.Response response) {
		if (!response.ok()) {
			Payloads.ResponseError error = response.error();
			String code = (error != null) ? error.code() : ErrorCode.HANDLER_FAILED;
			// a link lost under the request: the node is as unreachable as one never linked
			String reported = ErrorCode.LINK_LOST.equals(code) ? ErrorCode.NOT_CONNECTED : code;
			return failures(indices, reported,
					"node " + peer.name() + ": " + ((error != null) ? error.message() : "failed without an error entry"));
		}
		JsonNode result = response.result();
		Map<Integer, InstanceResult<JsonNode>> byInstance = new ConcurrentHashMap<>();
		if (result != null && result.isArray()) {
			for (InstanceResult<JsonNode> entry : FanOutResults.fromJson(result)) {
				byInstance.putIfAbsent(entry.instance(), entry);
			}
		}
		List<InstanceResult<JsonNode>> entries = new ArrayList<>(indices.size());
		for (int index : indices) {
			InstanceResult<JsonNode> entry = byInstance.get(index);
			entries.add((entry != null) ? entry
					: InstanceResult.failure(index, new RequestError(ErrorCode.HANDLER_FAILED,
							"node " + peer.name() + " sent no entry for instance " + index, ErrorCode.HANDLER_FAILED)));
		}
		return entries;
	}

	static List<InstanceResult<JsonNode>> failures(List<Integer> indices, String code, String message) {
		List<InstanceResult<JsonNode>> failures = new ArrayList<>(indices.size());
		for (int index : indices) {
			failures.add(InstanceResult.failure(index, new RequestError(code, message, code)));
		}
		return failures;
	}

	private ArrayNode indexArray(List<Integer> indices) {
		ArrayNode array = this.codec.mapper().createArrayNode();
		indices.forEach(array::add);
		return array;
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return (cause instanceof java.util.concurrent.TimeoutException) ? "no link within the request's timeout"
				: String.valueOf(cause.getMessage());
	}

	/** A link to another node, opened or opening, for the link id its record had. */
	private record Peer(String linkId, IpcClient client, CompletableFuture<IpcLink> link) {

		boolean usable() {
			if (!this.link.isDone()) {
				return true;
			}
			IpcLink opened = this.link.getNow(null);
			return opened != null && opened.isOpen();
		}

	}

	/**
	 * Runs what other nodes send on this node's own instances, on both ends of every link: a
	 * REQUEST or DISPATCH with {@code targets}, as an instance's relay in protocol.md, never
	 * relayed onward to another node.
	 */
	private final class Serving implements IpcServer.Listener {

		@Override
		public void onManagerConnected(IpcLink link, Payloads.Hello hello) {
			logger.debug("Node link from " + link.remoteId() + " accepted");
		}

		@Override
		public void onDispatch(IpcLink link, String event, @Nullable JsonNode data) {
			logger.debug("Node link from " + link.remoteId() + " sent " + event + " without targets: ignored");
		}

		@Override
		public void onDispatch(IpcLink link, String event, @Nullable JsonNode data, Relay relay) {
			LocalShardingManager manager = NodeLinks.this.local;
			JsonNode targets = relay.targets();
			if (manager == null || targets == null) {
				onDispatch(link, event, data);
				return;
			}
			if (targets.isString() && "all".equals(targets.asString())) {
				manager.broadcast(event, data);
				return;
			}
			for (int index : indices(targets)) {
				try {
					manager.send(index, event, data);
				}
				catch (IllegalStateException | IllegalArgumentException ex) {
					logger.debug("Dispatch of " + event + " from node link " + link.remoteId() + " missed instance "
							+ index + ": " + ex.getMessage());
				}
			}
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			JsonNode targets = request.targets();
			if (targets == null) {
				throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
						"a REQUEST on a node link must have targets (instance indices)");
			}
			List<Integer> indices = indices(targets);
			LocalShardingManager manager = NodeLinks.this.local;
			if (RESTART.equals(request.name())) {
				return restart(manager, indices);
			}
			Duration timeout = RequestTimeout.fromPeer(request.timeout(), NodeLinks.this.settings.requestTimeout());
			if (manager == null) {
				return CompletableFuture.completedFuture(NodeLinks.this.results
					.toJson(failures(indices, ErrorCode.NOT_CONNECTED, "the node's manager is not started yet")));
			}
			return manager.request(request.name(), request.payload(), Targets.instances(indices), JsonNode.class, timeout)
				.thenApply(NodeLinks.this.results::toJson);
		}

		private CompletionStage<JsonNode> restart(@Nullable LocalShardingManager manager, List<Integer> indices) {
			if (indices.size() != 1) {
				throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
						RESTART + " on a node link must target exactly one instance, got " + indices);
			}
			if (manager == null) {
				throw new RequestFailedException(ErrorCode.NOT_CONNECTED, "the node's manager is not started yet");
			}
			// this node's own restart: it refuses an instance it does not run, so a restart asked
			// for by another node never gives a shard a second owner
			return manager.restart(indices.get(0)).thenApply((info) -> NodeLinks.this.codec.mapper().valueToTree(info));
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
			NodeLinks.this.peers.values().removeIf((peer) -> {
				IpcLink opened = peer.link().getNow(null);
				if (opened == link) {
					peer.client().close();
					return true;
				}
				return false;
			});
		}

		private List<Integer> indices(JsonNode targets) {
			if (!targets.isArray()) {
				throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
						"targets on a node link must be \"all\" or a list of instance indices, was " + targets);
			}
			List<Integer> indices = new ArrayList<>(targets.size());
			for (JsonNode index : targets) {
				if (!index.isInt() || index.asInt() < 0) {
					throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
							"targets on a node link must be instance indices, got " + index);
				}
				indices.add(index.asInt());
			}
			return indices;
		}

	}

}
