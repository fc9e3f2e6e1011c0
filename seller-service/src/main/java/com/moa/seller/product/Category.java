package com.moa.seller.product;

/**
 * The fixed list of product categories (documented in the README); anything else is a
 * 400.
 */
public enum Category {

	MEAL_KIT, STREAMING, BEAUTY, BOOKS, FITNESS, PET, SOFTWARE, LIFESTYLE

}
