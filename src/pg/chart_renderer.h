/*
 * src/pg/chart_renderer.h
 *
 * learning_network's chart renderer (chart_renderer.c): set up by _PG_init
 * when spc is in shared_preload_libraries.
 */
#ifndef SPC_CHART_RENDERER_H
#define SPC_CHART_RENDERER_H

extern void spc_chart_renderer_init(void);

#endif
