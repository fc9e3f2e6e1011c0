package com.moa.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Web settings shared by every servlet service ({@code moa.web.*}).
 *
 * @param maxRequestSize the largest request body accepted before answering 413
 * @param maxParameterLength the longest query parameter, path variable, or bound header
 * or cookie value accepted before answering 400 (bodies have per-field limits)
 */
@ConfigurationProperties("moa.web")
public record MoaWebProperties(DataSize maxRequestSize, Integer maxParameterLength) {

	public MoaWebProperties {
		if (maxRequestSize == null) {
			maxRequestSize = DataSize.ofKilobytes(256);
		}
		if (maxParameterLength == null) {
			maxParameterLength = 1000;
		}
	}

}
