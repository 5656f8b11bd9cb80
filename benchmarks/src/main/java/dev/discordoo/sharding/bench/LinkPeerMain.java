package dev.discordoo.sharding.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcServer;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.protocol.Payloads;

/**
 * The instance end of the link scenarios, in a JVM of its own: {@code ipc} runs an
 * {@link IpcServer} (credentials from the protocol's environment variables), {@code raw}
 * a plain {@link ServerSocket} with the same framing. Both echo every frame the benchmark
 * sends, and on a SEND command send that many DISPATCH frames as fast as the link allows.
 * Prints {@value #READY_PREFIX}{@code <port>} once it listens; exits with its parent.
 */
public final class LinkPeerMain {

	static final String READY_PREFIX = "PEER-READY port=";

	/** Echoed back as is. */
	static final String ECHO = "BENCH_ECHO";

	/** {@code d: {n, payload}}: send n DISPATCH {@value #STREAM} frames carrying payload. */
	static final String SEND = "BENCH_SEND";

	/** The frames of a SEND. */
	static final String STREAM = "BENCH_STREAM";

	/** Raw command frames start with this (frames of the protocol start with '{'). */
	static final String RAW_SEND_PREFIX = "SEND:";

	private LinkPeerMain() {
	}

	public static void main(String[] args) throws Exception {
		// never outlive the benchmark, however it ends
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(2)));
		switch (args[0]) {
			case "ipc" -> ipc();
			case "raw" -> raw();
			default -> throw new IllegalArgumentException("mode must be ipc or raw, was " + args[0]);
		}
	}

	private static void ipc() throws Exception {
		IpcServer.Credentials credentials = new IpcServer.Credentials(System.getenv(InstanceEnvironment.MANAGER_ID),
				System.getenv(InstanceEnvironment.INSTANCE_ID), System.getenv(InstanceEnvironment.TOKEN),
				ProcessHandle.current().pid());
		CountDownLatch lost = new CountDownLatch(1);
		IpcResources resources = new IpcResources("peer");
		IpcServer server = new IpcServer("127.0.0.1", 0, credentials, IpcSettings.defaults(), resources,
				new FrameCodec(), new IpcServer.Listener() {

					@Override
					public void onManagerConnected(IpcLink link, Payloads.Hello hello) {
					}

					@Override
					public void onDispatch(IpcLink link, String event, JsonNode data) {
						if (ECHO.equals(event)) {
							link.dispatch(ECHO, data);
						}
						else if (SEND.equals(event)) {
							int n = data.get("n").intValue();
							JsonNode payload = data.get("payload");
							// from a thread of its own, like a bot's gateway thread would
							Thread sender = new Thread(() -> {
								for (int i = 0; i < n; i++) {
									link.dispatch(STREAM, payload);
								}
							}, "peer-sender");
							sender.setDaemon(true);
							sender.start();
						}
					}

					@Override
					public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
						return CompletableFuture.completedFuture(request.payload());
					}

					@Override
					public void onLost(IpcLink link, LinkLossCause cause, String detail) {
						lost.countDown();
					}

				});
		int port = server.start();
		System.out.println(READY_PREFIX + port);
		System.out.flush();
		lost.await();
		server.close();
		resources.close();
		System.exit(0);
	}

	private static void raw() throws Exception {
		try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			System.out.println(READY_PREFIX + listening.getLocalPort());
			System.out.flush();
			try (Socket socket = listening.accept()) {
				socket.setTcpNoDelay(true);
				DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 65536));
				while (true) {
					int length;
					try {
						length = in.readInt();
					}
					catch (EOFException ex) {
						return;
					}
					byte[] body = new byte[length];
					in.readFully(body);
					if (body[0] == 'S') {
						// SEND:<n>:<frame body to send n times>
						String command = new String(body, StandardCharsets.UTF_8);
						int colon = command.indexOf(':', RAW_SEND_PREFIX.length());
						int n = Integer.parseInt(command.substring(RAW_SEND_PREFIX.length(), colon));
						byte[] frame = command.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
						for (int i = 0; i < n; i++) {
							out.writeInt(frame.length);
							out.write(frame);
							out.flush();
						}
					}
					else {
						out.writeInt(length);
						out.write(body);
						out.flush();
					}
				}
			}
		}
	}

}
