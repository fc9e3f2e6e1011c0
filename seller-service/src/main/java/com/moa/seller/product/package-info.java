/**
 * A seller's subscription products: plans, terms, publishing, and the product events that
 * feed the catalog.
 */
package com.moa.seller.product;
