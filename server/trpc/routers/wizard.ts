import { CreateWizardInputSchema, MergeInputSchema, SessionInputSchema, TransitionInputSchema } from '../../wizard/inputs'
import { mergeStage } from '../../wizard/merge'
import { publishWizard } from '../../wizard/publish'
import { abandonWizard, createWizard, getWizard, listUnfinishedWizards } from '../../wizard/sessions'
import { transitionStage } from '../../wizard/transition'
import { createTrpcRouter, protectedProcedure } from '../init'

export const wizardRouter = createTrpcRouter({
  create: protectedProcedure.input(CreateWizardInputSchema).mutation(({ ctx, input }) => createWizard(ctx.deps, ctx.claims, input)),
  list: protectedProcedure.query(({ ctx }) => listUnfinishedWizards(ctx.deps, ctx.claims)),
  get: protectedProcedure.input(SessionInputSchema).query(({ ctx, input }) => getWizard(ctx.deps, ctx.claims, input.sessionId)),
  merge: protectedProcedure.input(MergeInputSchema).mutation(({ ctx, input }) => mergeStage(ctx.deps, ctx.actor, input)),
  transition: protectedProcedure.input(TransitionInputSchema).mutation(({ ctx, input }) => transitionStage(ctx.deps, ctx.actor, input)),
  publish: protectedProcedure.input(SessionInputSchema).mutation(({ ctx, input }) => publishWizard(ctx.deps, ctx.actor, input.sessionId)),
  abandon: protectedProcedure.input(SessionInputSchema).mutation(({ ctx, input }) => abandonWizard(ctx.deps, ctx.actor, input.sessionId)),
})
