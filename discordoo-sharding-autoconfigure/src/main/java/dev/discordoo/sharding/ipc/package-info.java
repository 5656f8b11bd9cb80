/**
 * The IPC link between a manager and its instances, on Spring Integration's TCP connection
 * factories: server (instance side), client (manager side), the link, its threads.
 *
 * <p>How it sits on Spring Integration: each side's connection factory has the two
 * collaborating adapters of its full-duplex pattern, a {@code TcpReceivingChannelAdapter}
 * and a {@code TcpSendingMessageHandler} ({@code ConnectionSendingHandler}), each behind a
 * direct channel ({@code IpcResources.receiveFrom}, {@code IpcResources.sendTo}); frames
 * are framed by a {@code ByteArrayLengthHeaderSerializer} subclass
 * ({@code FrameLengthHeaderSerializer}: the unsigned length and the size limit). What is
 * still the link's own: each connection's outbound queue ({@code FrameWriter}: bounded in
 * bytes, frames queued together leave as one batch with one flush), the frame mapper that
 * skips per-frame message headers ({@code FrameMessageMapper}), and the handshake, which
 * stays in {@link IpcServer} and {@link IpcClient} rather than in a connection interceptor
 * (their comments say why).
 */
@NullMarked
package dev.discordoo.sharding.ipc;

import org.jspecify.annotations.NullMarked;
