package dev.discordoo.sharding.ipc;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.AbstractConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.outbound.TcpSendingMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandlingException;

/**
 * Spring Integration's outbound adapter, writing each message to the connection its
 * {@link IpHeaders#CONNECTION_ID} header names, on client factories as on server ones.
 *
 * <p>On a server factory that is what {@link TcpSendingMessageHandler} does already. On a
 * client factory it asks the factory for a connection instead, which opens a new one when
 * the last has closed, and writes a failed message again on it: a frame of a link (or the
 * HELLO of an attempt) that lands on a connection that has not said HELLO, or says it twice,
 * breaks the protocol. So here a client factory's connections are tracked as a server's
 * are, and a message for one that has closed fails. (An option of the handler to address
 * client connections by their id, as it addresses server ones, would replace this class.)
 */
final class ConnectionSendingHandler extends TcpSendingMessageHandler {

	@Override
	public void setConnectionFactory(AbstractConnectionFactory connectionFactory) {
		super.setConnectionFactory(connectionFactory);
		if (connectionFactory instanceof AbstractClientConnectionFactory) {
			// a server factory registers the handler itself
			connectionFactory.registerSender(this);
		}
	}

	@Override
	protected TcpConnection obtainConnection(Message<?> message) {
		Object connectionId = message.getHeaders().get(IpHeaders.CONNECTION_ID);
		TcpConnection connection = (connectionId != null) ? getConnections().get(connectionId) : null;
		if (connection == null) {
			throw new MessageHandlingException(message, "IPC connection " + connectionId + " is closed");
		}
		return connection;
	}

}
