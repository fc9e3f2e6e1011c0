package com.moa.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Web settings shared by every servlet service ({@code moa.web.*}).
 *
 * @param maxRequestSize the largest request body accepted before answering 413
 */
@ConfigurationProperties("moa.web")
public record MoaWebProperties(DataSize maxRequestSize) {

	public MoaWebProperties {
		if (maxRequestSize == null) {
			maxRequestSize = DataSize.ofKilobytes(256);
		}
	}

}
