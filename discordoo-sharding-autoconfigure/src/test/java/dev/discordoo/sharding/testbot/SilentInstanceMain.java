package dev.discordoo.sharding.testbot;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * A child that announces a port like an instance, accepts the manager's connection and then
 * never answers HELLO: the manager must give up after its spawn timeout and destroy it.
 * Exits when its parent does, so that it can never outlive a test.
 */
public final class SilentInstanceMain {

	private SilentInstanceMain() {
	}

	public static void main(String[] args) throws Exception {
		ProcessHandle.current().parent().ifPresent((parent) -> parent.onExit().thenRun(() -> System.exit(2)));
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			System.out.println(InstanceEnvironment.READY_LINE_PREFIX + " port=" + server.getLocalPort() + " id="
					+ System.getenv(InstanceEnvironment.INSTANCE_ID));
			System.out.flush();
			List<Socket> held = new ArrayList<>();
			while (true) {
				held.add(server.accept());
			}
		}
	}

}
