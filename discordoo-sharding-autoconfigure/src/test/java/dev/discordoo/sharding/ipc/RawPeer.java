package dev.discordoo.sharding.ipc;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A peer written from the protocol text alone, on a plain socket: the way another
 * language's implementation would talk to ours, and the way a broken one would. Public for
 * the tests of other packages that play an instance or a manager by hand.
 */
public final class RawPeer implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Socket socket;

	private final DataInputStream in;

	private final DataOutputStream out;

	public RawPeer(int port) throws IOException {
		this(new Socket("127.0.0.1", port));
	}

	private RawPeer(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setTcpNoDelay(true);
		this.socket.setSoTimeout(10_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = new DataOutputStream(this.socket.getOutputStream());
	}

	/**
	 * Accept one connection: a peer on the server side, such as a fake instance that an
	 * {@link IpcClient} connects to.
	 */
	public static RawPeer accept(ServerSocket listener) throws IOException {
		return new RawPeer(listener.accept());
	}

	public void sendJson(String json) throws IOException {
		sendFrame(json.getBytes(StandardCharsets.UTF_8));
	}

	public void sendFrame(byte[] body) throws IOException {
		this.out.writeInt(body.length);
		this.out.write(body);
		this.out.flush();
	}

	/** Several frames in one write, so that the other side reads them together. */
	public void sendJsonTogether(String... jsons) throws IOException {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		DataOutputStream writer = new DataOutputStream(frames);
		for (String json : jsons) {
			byte[] body = json.getBytes(StandardCharsets.UTF_8);
			writer.writeInt(body.length);
			writer.write(body);
		}
		sendRaw(frames.toByteArray());
	}

	public void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	public JsonNode readPacket() throws IOException {
		int length = this.in.readInt();
		byte[] body = new byte[length];
		this.in.readFully(body);
		return mapper.readTree(body);
	}

	/** Read packets until one with the given op arrives. */
	public JsonNode readUntilOp(int op) throws IOException {
		while (true) {
			JsonNode packet = readPacket();
			if (packet.get("op").intValue() == op) {
				return packet;
			}
		}
	}

	/** Whether the other side closed: reads (and drops) whatever is left until end of stream. */
	public boolean isClosedByPeer() throws IOException {
		try {
			while (this.in.read() >= 0) {
				// drain
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (EOFException ex) {
			return true;
		}
		catch (IOException ex) {
			// reset by peer counts as closed
			return true;
		}
	}

	/**
	 * Read whatever still arrives until the other side closes.
	 * @throws SocketTimeoutException if the other side does not close within the read timeout
	 */
	public byte[] readUntilClosed() throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try {
			int next;
			while ((next = this.in.read()) >= 0) {
				received.write(next);
			}
		}
		catch (SocketTimeoutException ex) {
			throw ex;
		}
		catch (IOException ex) {
			// reset by peer counts as closed
		}
		return received.toByteArray();
	}

	/** Half-close: the other side reads end of stream, this side can still read. */
	public void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
