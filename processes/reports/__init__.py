"""processes/reports"""
