package dev.discordoo.sharding.ipc;

/**
 * Why an {@link IpcLink} closed.
 */
public enum LinkLossCause {

	/** The peer closed the connection, or its process went away. */
	CLOSED_BY_PEER,

	/** No heartbeat (manager side) or no ack (instance side) for interval × tolerance. */
	HEARTBEAT_TIMEOUT,

	/** The peer sent a frame that broke the protocol. */
	PROTOCOL_VIOLATION,

	/** Writing to the connection failed. */
	SEND_FAILED,

	/** This side closed the link on purpose. */
	CLOSED_LOCALLY

}
