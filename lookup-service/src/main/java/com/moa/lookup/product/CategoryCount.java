package com.moa.lookup.product;

/**
 * A category with the number of products currently published in it.
 */
public record CategoryCount(String code, String name, long productCount) {

}
