package dev.discordoo.sharding.ipc;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

import javax.net.ssl.SSLException;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetConnectionSupport;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.jspecify.annotations.Nullable;

/**
 * Makes connections whose reader reads through a buffer. Spring Integration hands the frame
 * deserializer the socket's own input stream, so that every frame costs at least two read
 * system calls (its 4-byte header, then its body), and a burst of frames two per frame;
 * through a buffer, one call brings in as many frames as have arrived.
 *
 * <p>On a TLS link the reader is also where a failed TLS handshake shows (an untrusted
 * certificate, a peer that does not speak TLS). Spring Integration would log each one as an
 * ERROR with no rate limit, on a port anyone on the network can reach; the connection keeps
 * the failure instead, and ends its stream quietly, so that the server can warn at its own
 * rate and the client can give up at once, each naming the cause.
 */
final class BufferedConnectionSupport implements TcpNetConnectionSupport {

	private static final int BUFFER_SIZE = 8192;

	/**
	 * Return why a connection's TLS handshake failed.
	 * @param connection a connection this support made
	 * @return the failure, or {@code null} if there was none (or the connection is plain)
	 */
	static @Nullable SSLException tlsFailure(TcpConnection connection) {
		return (connection instanceof BufferedConnection buffered) ? buffered.tlsFailure : null;
	}

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			@Nullable ApplicationEventPublisher applicationEventPublisher, @Nullable String connectionFactoryName) {
		return new BufferedConnection(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
	}

	private static final class BufferedConnection extends TcpNetConnection {

		/** Created and read by the connection's reader thread only. */
		private @Nullable InputStream buffered;

		private volatile @Nullable SSLException tlsFailure;

		BufferedConnection(Socket socket, boolean server, boolean lookupHost,
				@Nullable ApplicationEventPublisher applicationEventPublisher, @Nullable String connectionFactoryName) {
			super(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
		}

		@Override
		protected InputStream inputStream() throws IOException {
			InputStream current = this.buffered;
			if (current == null) {
				current = new BufferedInputStream(new TlsFailureKeeping(super.inputStream()), BUFFER_SIZE);
				this.buffered = current;
			}
			return current;
		}

		/** Keeps a TLS failure on the connection and ends the stream without an ERROR line. */
		private final class TlsFailureKeeping extends FilterInputStream {

			TlsFailureKeeping(InputStream in) {
				super(in);
			}

			@Override
			public int read() throws IOException {
				try {
					return super.read();
				}
				catch (SSLException ex) {
					throw kept(ex);
				}
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				try {
					return super.read(buffer, offset, length);
				}
				catch (SSLException ex) {
					throw kept(ex);
				}
			}

			private SoftEndOfStreamException kept(SSLException ex) {
				BufferedConnection.this.tlsFailure = ex;
				return new SoftEndOfStreamException("TLS failed: " + ex.getMessage());
			}

		}

	}

}
