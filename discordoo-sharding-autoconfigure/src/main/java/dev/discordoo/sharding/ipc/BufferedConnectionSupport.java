package dev.discordoo.sharding.ipc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;
import org.jspecify.annotations.Nullable;

/**
 * Makes connections whose reader reads through a buffer. Spring Integration hands the frame
 * deserializer the socket's own input stream, so that every frame costs at least two read
 * system calls (its 4-byte header, then its body), and a burst of frames two per frame;
 * through a buffer, one call brings in as many frames as have arrived.
 */
final class BufferedConnectionSupport implements TcpNetConnectionSupport {

	private static final int BUFFER_SIZE = 8192;

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			@Nullable ApplicationEventPublisher applicationEventPublisher, @Nullable String connectionFactoryName) {
		return new BufferedConnection(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
	}

	private static final class BufferedConnection extends TcpNetConnection {

		/** Created and read by the connection's reader thread only. */
		private @Nullable InputStream buffered;

		BufferedConnection(Socket socket, boolean server, boolean lookupHost,
				@Nullable ApplicationEventPublisher applicationEventPublisher, @Nullable String connectionFactoryName) {
			super(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
		}

		@Override
		protected InputStream inputStream() throws IOException {
			InputStream current = this.buffered;
			if (current == null) {
				current = new BufferedInputStream(super.inputStream(), BUFFER_SIZE);
				this.buffered = current;
			}
			return current;
		}

	}

}
