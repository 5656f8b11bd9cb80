package dev.discordoo.sharding.ipc;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.springframework.integration.ip.tcp.connection.DefaultTcpNetSSLSocketFactorySupport;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSocketSupport;

/**
 * TLS for IPC links that cross hosts, with mutual authentication: a server built with it
 * accepts only TLS connections whose client presents a certificate its trust material
 * accepts, and a client presents its own and checks the server's. Frames, the handshake and
 * every rule of the protocol are unchanged inside TLS.
 *
 * <p>The sockets come from Spring Integration's {@link DefaultTcpNetSSLSocketFactorySupport};
 * only what it leaves to a {@link TcpSocketSupport} is done here: requiring the client's
 * certificate, the enabled protocols and cipher suites, and host name verification on the
 * client side only (Spring Integration's default support would also ask a server to verify
 * its client's certificate against the client's address, which node certificates need not
 * name).
 *
 * @param context the SSL context: key material to present, trust material to check the peer
 * @param protocols the enabled protocols, empty for the context's defaults
 * @param ciphers the enabled cipher suites, empty for the context's defaults
 * @param verifyHostname whether a client checks that the server's certificate names the host
 * it connected to
 */
public record IpcTls(SSLContext context, List<String> protocols, List<String> ciphers, boolean verifyHostname) {

	/**
	 * Copy the lists.
	 */
	public IpcTls {
		protocols = List.copyOf(protocols);
		ciphers = List.copyOf(ciphers);
	}

	/**
	 * Make a server's sockets TLS sockets set up as this says; call before it is initialised.
	 * @param server a server connection factory
	 */
	void applyTo(TcpNetServerConnectionFactory server) {
		server.setTcpSocketFactorySupport(new DefaultTcpNetSSLSocketFactorySupport(this::context));
		server.setTcpSocketSupport(new MutualTlsSockets());
	}

	/**
	 * Make a client's sockets TLS sockets set up as this says; call before it is initialised.
	 * @param client a client connection factory
	 */
	void applyTo(TcpNetClientConnectionFactory client) {
		client.setTcpSocketFactorySupport(new DefaultTcpNetSSLSocketFactorySupport(this::context));
		client.setTcpSocketSupport(new MutualTlsSockets());
	}

	@Override
	public String toString() {
		return "IpcTls[protocols=" + this.protocols + ", ciphers=" + this.ciphers + ", verifyHostname="
				+ this.verifyHostname + "]";
	}

	private final class MutualTlsSockets implements TcpSocketSupport {

		@Override
		public void postProcessServerSocket(ServerSocket serverSocket) {
			if (serverSocket instanceof SSLServerSocket tls) {
				SSLParameters parameters = tls.getSSLParameters();
				restrict(parameters);
				// a peer without a certificate the trust material accepts never gets as far as HELLO
				parameters.setNeedClientAuth(true);
				tls.setSSLParameters(parameters);
			}
		}

		@Override
		public void postProcessSocket(Socket socket) {
			if (socket instanceof SSLSocket tls) {
				SSLParameters parameters = tls.getSSLParameters();
				restrict(parameters);
				if (tls.getUseClientMode() && IpcTls.this.verifyHostname) {
					parameters.setEndpointIdentificationAlgorithm("HTTPS");
				}
				tls.setSSLParameters(parameters);
			}
		}

		private void restrict(SSLParameters parameters) {
			if (!IpcTls.this.protocols.isEmpty()) {
				parameters.setProtocols(IpcTls.this.protocols.toArray(String[]::new));
			}
			if (!IpcTls.this.ciphers.isEmpty()) {
				parameters.setCipherSuites(IpcTls.this.ciphers.toArray(String[]::new));
			}
		}

	}

}
