/**
 * The catalog read model and its queries.
 */
package com.moa.lookup.product;
