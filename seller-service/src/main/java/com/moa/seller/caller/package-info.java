/**
 * The signed-in seller a request acts for; other roles are refused with 403.
 */
package com.moa.seller.caller;
