package com.moa.mail.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * SMTP sockets with TCP_NODELAY. Angus Mail writes a message in several segments; with
 * Nagle's algorithm on, the last one waits for the server's delayed ACK (40 ms on Linux),
 * which capped a sender at about 25 messages/s per connection for any mail longer than
 * one segment (measured: bench/mail-bench.sh). Angus has no property for it, only
 * {@code mail.smtp.socketFactory}, so this factory sets the option itself. Not used for
 * implicit TLS (SMTPS), which needs an SSL socket factory; STARTTLS wraps the plain
 * socket made here.
 */
class NoDelaySocketFactory extends SocketFactory {

	@Override
	public Socket createSocket() throws IOException {
		return noDelay(new Socket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return noDelay(new Socket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return noDelay(new Socket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return noDelay(new Socket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return noDelay(new Socket(address, port, localAddress, localPort));
	}

	private static Socket noDelay(Socket socket) throws IOException {
		socket.setTcpNoDelay(true);
		return socket;
	}

	/** Puts the factory into Boot's {@link JavaMailSenderImpl} unless SMTPS is on. */
	static void applyTo(JavaMailSenderImpl sender) {
		if (!"true".equalsIgnoreCase(sender.getJavaMailProperties().getProperty("mail.smtp.ssl.enable"))
				&& !"smtps".equalsIgnoreCase(sender.getProtocol())) {
			sender.getJavaMailProperties().put("mail.smtp.socketFactory", new NoDelaySocketFactory());
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Registration {

		@Bean
		static BeanPostProcessor noDelaySmtpSockets() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (bean instanceof JavaMailSenderImpl sender) {
						applyTo(sender);
					}
					return bean;
				}
			};
		}

	}

}
